/*
 * What ContainerIT runs in a container: reports what the program sees of its container and behaves as asked.
 *   container-probe report STATUS   print pid, hostname, cwd, platform, capabilities, whether / and /tmp are
 *                                   writable; write a file in the working directory and a line to the event
 *                                   file; exit with STATUS
 *   container-probe wait            print "waiting" and sleep until a signal ends the process
 *   container-probe fail            write an error message to stderr and exit 3
 *   container-probe stamp           print the CLOCK_REALTIME time in nanoseconds and exit 0
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *platform(void) {
    const char *p = getenv("TALENT_PLATFORM");
    return p ? p : "?";
}

static const char *try_write(const char *path) {
    FILE *f = fopen(path, "w");
    if (!f) return strerror(errno);
    fputs("x\n", f);
    fclose(f);
    return "ok";
}

static void print_capabilities(void) {
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) { printf("capeff=unreadable\n"); return; }
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "CapEff:", 7) == 0) {
            char *value = line + 7;
            while (*value == ' ' || *value == '\t') value++;
            value[strcspn(value, "\n")] = 0;
            printf("capeff=%s\n", value);
        }
    }
    fclose(f);
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "report";
    if (strcmp(mode, "wait") == 0) {
        printf("waiting\n");
        fflush(stdout);
        for (;;) pause();
    }
    if (strcmp(mode, "fail") == 0) {
        fprintf(stderr, "probe: cannot go on, input missing on %s\n", platform());
        return 3;
    }
    if (strcmp(mode, "stamp") == 0) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        printf("t=%lld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
        return 0;
    }
    char host[256] = "", cwd[1024] = "", name[300];
    gethostname(host, sizeof host);
    if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, strerror(errno));
    printf("pid=%d\nhostname=%s\ncwd=%s\nplatform=%s\n", (int)getpid(), host, cwd, platform());
    snprintf(name, sizeof name, "written-%s.txt", platform());
    FILE *f = fopen(name, "w");
    if (f) { fprintf(f, "hello from %s\n", platform()); fclose(f); }
    printf("work-write=%s\n", f ? "ok" : strerror(errno));
    printf("root-write=%s\n", try_write("/probe-root-file"));
    printf("tmp-write=%s\n", try_write("/tmp/probe-tmp-file"));
    print_capabilities();
    const char *events = getenv("TALENT_EVENT_FILE");
    FILE *e = events ? fopen(events, "a") : NULL;
    if (e) { fprintf(e, "probe %s\n", platform()); fclose(e); }
    printf("event-write=%s\n", e ? "ok" : "failed");
    return argc > 2 ? atoi(argv[2]) : 0;
}
