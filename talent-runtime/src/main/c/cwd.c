/* cwd.c: the program's working directory across a restart. A program that changed it (cksfv -C DIR, a daemon's
 * chdir("/"), a tool that works inside its data directory) resolves every relative path from it; a restored process
 * starts where it is started, so the checkpoint carries the directory as the global "<libc>:cwd" and the restart
 * changes into it before the program continues. Under the starting directory it is carried relative to it (the
 * working directory talent syncs to the destination may lie at another path there); elsewhere as an absolute path,
 * which the destination must have. A directory that does not exist there ends that restore, naming it (as after any
 * failed restore, the runtime falls back to an older checkpoint): the program never resumes in another directory than
 * the one it chose. */
#include "cwd.h"
#include "refusal.h"
#include "contract.h"
#include "strerror.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>


struct tl_cwd {
    uint32_t relative;          /* 1: path is relative to the starting directory; 0: absolute */
    char path[TL_CWD_MAX];      /* NUL-terminated, the rest zero */
};

static char start_cwd[TL_CWD_MAX];
static int start_cwd_known;
static struct tl_cwd carried;
static int changed;

static const talent_type t_u32 = TALENT_INT_TYPE(uint32_t, "uint32_t");
static const talent_type t_char = TALENT_INT_TYPE(char, "char");
static const talent_type t_path = TALENT_ARRAY_TYPE(char[TL_CWD_MAX], "char[4096]", char, &t_char);
static const talent_field cwd_fields[] = {
    TALENT_FIELD(struct tl_cwd, relative, &t_u32), TALENT_FIELD(struct tl_cwd, path, &t_path),
};
static const talent_type t_cwd = TALENT_STRUCT_TYPE(struct tl_cwd, "struct talent_cwd", cwd_fields);

void tl_cwd_snapshot(void)
{
    start_cwd_known = getcwd(start_cwd, sizeof start_cwd) != NULL;
}

const char *tl_cwd_start(void)
{
    return start_cwd_known ? start_cwd : NULL;
}

int tl_cwd_under_start(char *out, size_t n, const char *rel)
{
    return snprintf(out, n, "%s%s%s", start_cwd, strcmp(start_cwd, "/") == 0 ? "" : "/", rel);
}

/* The part of now below the starting directory ("a/b" for "/start/a/b"), or NULL when now is not under it. A process
 * started in "/" has every directory under it: there the path stays absolute (a restart started elsewhere must not
 * look for "/srv" under its own starting directory). */
static const char *below_start(const char *now)
{
    size_t n = strlen(start_cwd);
    if (!start_cwd_known || (n == 1 && start_cwd[0] == '/'))
        return NULL;
    if (strncmp(now, start_cwd, n) != 0 || now[n] != '/' || !now[n + 1])
        return NULL;
    return now + n + 1;
}

void tl_cwd_check(void)
{
    char now[TL_CWD_MAX];
    const char *below;
    int saved = errno;
    changed = 0;
    if (!getcwd(now, sizeof now)) {
        tl_refuse("cannot checkpoint: the program's working directory cannot be read (%s), so a restart could not "
                  "go back into it", tl_strerror(errno));
        errno = saved;
        return;
    }
    errno = saved;
    /* cleared either way: an in-process restore of an image without the global must find nothing to go back to */
    memset(&carried, 0, sizeof carried);
    if (start_cwd_known && strcmp(now, start_cwd) == 0)
        return;
    below = below_start(now);
    carried.relative = below != NULL;
    /* getcwd's answer fits the buffer with its NUL, so either part does too */
    strcpy(carried.path, below ? below : now);
    changed = 1;
}

int tl_cwd_changed(void)
{
    return changed;
}

void tl_cwd_global(void **addr, const talent_type **type)
{
    *addr = &carried;
    *type = &t_cwd;
}

/* Whether p (NUL-terminated) is a directory path a checkpoint may carry: absolute, or relative without an empty,
 * "." or ".." component (getcwd never gives one, so only a forged file has it). */
static int valid_path(const char *p, int relative)
{
    const char *c = p;
    if (!*p || (relative ? *p == '/' : *p != '/'))
        return 0;
    if (!relative)
        return 1;
    while (*c) {
        const char *end = strchr(c, '/');
        size_t len = end ? (size_t)(end - c) : strlen(c);
        if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
            return 0;
        c += len;
        if (*c == '/')
            c++;
        else
            break;
    }
    return p[strlen(p) - 1] != '/';
}

int tl_cwd_path_valid(const char *p, int relative)
{
    return valid_path(p, relative);
}

const char *tl_cwd_restored(void)
{
    static char why[TL_CWD_MAX + 256];
    char target[2 * TL_CWD_MAX + 2];
    size_t n = strnlen(carried.path, sizeof carried.path);
    if (!carried.relative && !carried.path[0])
        return NULL;            /* nothing carried: the global was not in the checkpoint */
    if (n == sizeof carried.path || carried.relative > 1 || !valid_path(carried.path, (int)carried.relative))
        return "a working directory (<libc>:cwd) that is not valid";
    if (carried.relative) {
        if (!start_cwd_known)
            return "a working directory relative to the starting one, which this process cannot read";
        tl_cwd_under_start(target, sizeof target, carried.path);
    } else {
        snprintf(target, sizeof target, "%s", carried.path);
    }
    if (chdir(target) != 0) {
        snprintf(why, sizeof why, "the working directory '%.2048s', which cannot be entered here (%s)", target,
                 tl_strerror(errno));
        return why;
    }
    return NULL;
}
