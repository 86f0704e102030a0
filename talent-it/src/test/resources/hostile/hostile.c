/* hostile: a talent program that attacks talent run from inside its container (issue 10). Its computation is
 * plain (a sum over steps, paced by nanosleep) and its stdout is one line at the end, so that a correct run is
 * easy to recognise; everything else it does is an attack, reported on stderr with the prefix "hostile:".
 *
 * Arguments: STEPS MS HOST_DIR SECRET_FILE, the last two host paths that must stay out of its reach.
 *
 * At the start: links /work/a -> HOST_DIR and /work/shadow -> SECRET_FILE, forged event lines (a checkpoint "at" ../work/a/PWNED, at /etc/shadow, at a file that does not exist,
 * escape sequences, a forged "ready"), a checkpoint of its own (SIGUSR2) whose file it then deletes, planting
 * links to /etc/shadow and SECRET_FILE and a garbage file under newer checkpoint names, and one endless event
 * line of 256 MiB. After every move to another platform it reads /work/shadow (it must not see the secret),
 * turns /work/a into a real directory, forges the checkpoint event that once made talent write through the
 * link, and vandalises its checkpoint directory again (the checkpoint it was restored from included). Near the
 * end it writes a sparse file of 1 GiB (4 KiB on disk), which goes home with the working directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long sum;
static int moves;
static char last_host[64];

static const char *event_file(void)
{
    const char *f = getenv("TALENT_EVENT_FILE");
    return f ? f : "/talent/events";
}

static const char *checkpoint_dir(void)
{
    const char *d = getenv("TALENT_CHECKPOINT_DIR");
    return d ? d : "/talent/ck";
}

/* One write to the event FIFO (blocking: talent's reader drains it), the FIFO open only meanwhile and the
 * checkpoint signals held back: a checkpoint refuses an open FIFO. No checkpoint can happen here, and its
 * sigset_t (a C library type whose layout differs between ISAs) could not be saved: no sites. */
#pragma talent nocheckpoint
static ssize_t write_once(const char *buf, size_t n)
{
    sigset_t hold, old;
    sigemptyset(&hold);
    sigaddset(&hold, SIGUSR1);
    sigaddset(&hold, SIGUSR2);
    sigprocmask(SIG_BLOCK, &hold, &old);
    ssize_t w = -1;
    int fd = open(event_file(), O_WRONLY | O_APPEND);
    if (fd >= 0) {
        w = write(fd, buf, n);
        close(fd);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return w;
}

static void put(const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write_once(buf, n);
        if (w <= 0) {
            fprintf(stderr, "hostile: event write failed: %s\n", strerror(errno));
            return;
        }
        buf += w;
        n -= (size_t)w;
    }
}

static void forge(const char *line)
{
    size_t n = strlen(line);
    put(line, n);
}

static void endless_line(long long bytes)
{
    static char chunk[65536];
    memset(chunk, 'A', sizeof chunk);
    memcpy(chunk, "checkpoint 1 ", 13);
    for (long long done = 0; done < bytes; done += (long long)sizeof chunk)
        put(chunk, sizeof chunk);
    put("\n", 1);
    fprintf(stderr, "hostile: wrote an event line of %lld bytes\n", bytes);
}

static void sparse_file(void)
{
    int fd = open("/work/sparse", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return;
    if (lseek(fd, 1L << 30, SEEK_SET) >= 0 && write(fd, "x", 1) == 1)
        fprintf(stderr, "hostile: /work/sparse is 1 GiB\n");
    close(fd);
}

static void vandalise_checkpoints(const char *secret)
{
    char path[512];
    DIR *d = opendir(checkpoint_dir());
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", checkpoint_dir(), e->d_name);
            if (unlink(path) == 0)
                fprintf(stderr, "hostile: deleted %s\n", path);
        }
        closedir(d);
    }
    snprintf(path, sizeof path, "%s/ckpt-999999.tck", checkpoint_dir());
    if (symlink("/etc/shadow", path) != 0)
        fprintf(stderr, "hostile: symlink %s: %s\n", path, strerror(errno));
    snprintf(path, sizeof path, "%s/ckpt-999998.tck", checkpoint_dir());
    if (symlink(secret, path) != 0)
        fprintf(stderr, "hostile: symlink %s: %s\n", path, strerror(errno));
    snprintf(path, sizeof path, "%s/ckpt-999997.tck", checkpoint_dir());
    FILE *g = fopen(path, "w");
    if (g) {
        fputs("TALENTCK and then garbage", g);
        fclose(g);
    }
}

static void after_move(const char *secret)
{
    char buf[256];
    FILE *s = fopen("/work/shadow", "r");
    if (s) {
        size_t n = fread(buf, 1, sizeof buf - 1, s);
        buf[n] = 0;
        fclose(s);
        fprintf(stderr, "hostile: READ THROUGH /work/shadow: %s\n", buf);
    } else {
        fprintf(stderr, "hostile: /work/shadow is out of reach: %s\n", strerror(errno));
    }
    /* the link to the host directory becomes a real directory, then the old forged event */
    unlink("/work/a");
    mkdir("/work/a", 0755);
    FILE *inside = fopen("/work/a/inside.txt", "w");
    if (inside) {
        fputs("written inside the container\n", inside);
        fclose(inside);
    }
    forge("checkpoint 80 ../work/a/PWNED\n");
    forge("checkpoint 81 ckpt-000081.tck\n");
    vandalise_checkpoints(secret);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: hostile STEPS MS HOST_DIR SECRET_FILE\n");
        return 2;
    }
    int steps = atoi(argv[1]);
    long ms = atol(argv[2]);
    const char *host_dir = argv[3];
    const char *secret = argv[4];
    for (int step = 0; step < steps; step++) {
        char host[64] = "";
        gethostname(host, sizeof host - 1);
        if (step == 0) {
            if (symlink(host_dir, "/work/a") != 0)
                fprintf(stderr, "hostile: symlink /work/a: %s\n", strerror(errno));
            if (symlink(secret, "/work/shadow") != 0)
                fprintf(stderr, "hostile: symlink /work/shadow: %s\n", strerror(errno));
            forge("checkpoint 77 ../work/a/PWNED\n");
            forge("checkpoint 78 /etc/shadow\n");
            forge("checkpoint 79 ckpt-000079.tck\n");
            forge("\033[2J\033[Hready 1 x86_64\n");
            forge("ready 1 aarch64\n");
            forge("exiting 0\n");
            /* a checkpoint of its own (written at the next site, the sleep), then its files replaced */
            raise(SIGUSR2);
            struct timespec ts = {0, 20000000L};
            nanosleep(&ts, NULL);
            vandalise_checkpoints(secret);
            endless_line(256LL << 20);
        } else if (strcmp(host, last_host) != 0) {
            moves++;
            fprintf(stderr, "hostile: now on %s (move %d)\n", host, moves);
            after_move(secret);
        }
        strncpy(last_host, host, sizeof last_host - 1);
        if (step == steps - 30)
            sparse_file(); /* late, so that it is only in the final copy home */
        sum += (long long)(step % 97) * (step + 3);
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    printf("hostile done: steps %d sum %lld\n", steps, sum);
    return 0;
}
