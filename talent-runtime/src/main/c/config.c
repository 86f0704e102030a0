/* config.c: the runtime's configuration, like CPPC's: a configuration file (talent.conf in the working
 * directory, or the file named by TALENT_CONFIG), then the TALENT_<KEY> environment variables, the later
 * overriding the earlier (the CLI maps its flags to variables, so flags win). Every key is documented in
 * README.md ("Configuration"). A malformed file line, an unknown key or a bad value ends the process with
 * exit 64 and a message naming the key and where it was set. */
#include "diag.h"
#include "strerror.h"
#include "xalloc.h"
#include "config.h"
#include "cwd.h"
#include "dirty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int tl_fsync_policy = TL_FSYNC_ALWAYS;

typedef enum key_type { K_DIR, K_COUNT, K_BOOL, K_KEEP, K_SECONDS, K_PLATFORM, K_EVENT_FILE, K_RESTORE_FILE, K_FAULT,
                       K_FSYNC, K_PRECOPY, K_DIRTY }
    key_type;

/* Where a whole-number key's value goes: named in the table, so that the table's order means nothing. */
typedef enum key_slot { S_NONE, S_STOP_AFTER, S_RESTART, S_KEEP, S_EVERY_VISITS, S_VERBOSE } key_slot;

typedef struct key_def {
    const char *key;
    const char *env;
    key_type type;
    key_slot slot;
} key_def;

static const key_def keys[] = {
    {"checkpoint_dir", TL_ENV_CHECKPOINT_DIR, K_DIR, S_NONE},
    {"stop_after", TL_ENV_STOP_AFTER, K_COUNT, S_STOP_AFTER},
    {"restart", TL_ENV_RESTART, K_BOOL, S_RESTART},
    {"keep", TL_ENV_KEEP, K_KEEP, S_KEEP},
    {"every_visits", TL_ENV_EVERY_VISITS, K_COUNT, S_EVERY_VISITS},
    {"every_seconds", TL_ENV_EVERY_SECONDS, K_SECONDS, S_NONE},
    {"verbose", TL_ENV_VERBOSE, K_BOOL, S_VERBOSE},
    {"platform", TL_ENV_PLATFORM, K_PLATFORM, S_NONE},
    {"event_file", TL_ENV_EVENT_FILE, K_EVENT_FILE, S_NONE},
    {"restore_file", TL_ENV_RESTORE_FILE, K_RESTORE_FILE, S_NONE},
    {"fault", TL_ENV_FAULT, K_FAULT, S_NONE},
    {"fsync", TL_ENV_FSYNC, K_FSYNC, S_NONE},
    {"precopy", TL_ENV_PRECOPY, K_PRECOPY, S_NONE},
    {"dirty", TL_ENV_DIRTY, K_DIRTY, S_NONE},
};
#define NKEYS (sizeof keys / sizeof keys[0])

/* Validates value for key k and stores it; where describes the origin for the message. */
static void set_key(tl_config *c, const key_def *k, const char *value, const char *where)
{
    char *end;
    const char *q;
    switch (k->type) {
    case K_DIR:
        if (!*value)
            tl_die(TL_EXIT_USAGE, "%s: %s is empty: expected a directory", where, k->key);
        c->dir = tl_xstrdup(value);
        return;
    case K_COUNT:
    case K_KEEP:
    case K_BOOL: {
        unsigned long long v;
        unsigned long long max = k->type == K_BOOL ? 1 : k->type == K_KEEP ? 1000000 : 0x7FFFFFFFFFFFFFFFULL;
        unsigned long long min = k->type == K_BOOL ? 0 : 1;
        errno = 0;
        v = strtoull(value, &end, 10);
        if (errno || *end != '\0' || end == value || *value == '-' || *value == '+' || v < min || v > max)
            tl_die(TL_EXIT_USAGE, "%s: %s='%s' is not valid: expected a whole number from %llu to %llu", where, k->key,
                   value, min, max);
        switch (k->slot) {
        case S_STOP_AFTER:
            c->stop_after = v;
            break;
        case S_RESTART:
            c->restart = (int)v;
            break;
        case S_KEEP:
            c->keep = (unsigned)v;
            break;
        case S_EVERY_VISITS:
            c->every_visits = v;
            break;
        case S_VERBOSE:
            tl_verbose = (int)v;
            break;
        case S_NONE:
            tl_die(TL_EXIT_SOFTWARE, "internal error: whole-number key %s has no place to go", k->key);
        }
        return;
    }
    case K_SECONDS: {
        double v;
        errno = 0;
        v = strtod(value, &end);
        if (errno || *end != '\0' || end == value || !(v >= 0.001 && v <= 31536000.0))
            tl_die(TL_EXIT_USAGE, "%s: %s='%s' is not valid: expected seconds from 0.001 to 31536000 (decimals "
                   "allowed)", where, k->key, value);
        c->every_seconds = v;
        return;
    }
    case K_PLATFORM:
        if (!*value)
            tl_die(TL_EXIT_USAGE, "%s: %s is empty", where, k->key);
        for (q = value; *q; q++)
            if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '-' ||
                  *q == '_' || *q == '.'))
                tl_die(TL_EXIT_USAGE, "%s: %s='%s' is not valid: use letters, digits, '-', '_' and '.'", where, k->key,
                       value);
        tl_platform = tl_xstrdup(value);
        return;
    case K_EVENT_FILE:
    case K_RESTORE_FILE:
        if (!*value)
            tl_die(TL_EXIT_USAGE, "%s: %s is empty: expected a file path", where, k->key);
        if (k->type == K_EVENT_FILE)
            c->event_file = tl_xstrdup(value);
        else
            c->restore_file = tl_xstrdup(value);
        return;
    case K_PRECOPY:
        /* README.md "Pre-copy": SIGURG starts a pre-copy round */
        if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0)
            tl_die(TL_EXIT_USAGE, "%s: %s='%s' is not valid: expected 0 or 1", where, k->key, value);
        c->precopy = value[0] == '1';
        return;
    case K_DIRTY:
        /* README.md "Pre-copy": dirty tracking for the rounds after the first and the stop after pre-copy (dirty.c) */
        if (strcmp(value, "track") == 0)
            tl_dirty_mode = TL_DIRTY_TRACK;
        else if (strcmp(value, "off") == 0)
            tl_dirty_mode = TL_DIRTY_OFF;
        else if (strcmp(value, "verify") == 0)
            tl_dirty_mode = TL_DIRTY_VERIFY;
        else if (strcmp(value, "stop") == 0)
            tl_dirty_mode = TL_DIRTY_STOP;
        else
            tl_die(TL_EXIT_USAGE, "%s: %s='%s' is not valid: expected track, stop, off or verify", where, k->key,
                   value);
        return;
    case K_FSYNC:
        /* README.md "Configuration": which checkpoints are fsynced before they count as written */
        if (strcmp(value, "always") == 0)
            tl_fsync_policy = TL_FSYNC_ALWAYS;
        else if (strcmp(value, "recovery") == 0)
            tl_fsync_policy = TL_FSYNC_RECOVERY;
        else
            tl_die(TL_EXIT_USAGE, "%s: %s='%s' is not valid: expected always or recovery", where, k->key, value);
        return;
    case K_FAULT:
        /* a testing aid (README.md "Fault injection"); "none" lets a variable override a file's setting */
        if (strcmp(value, "none") == 0)
            tl_fault = TL_FAULT_NONE;
        else if (strcmp(value, "checkpoint-write") == 0)
            tl_fault = TL_FAULT_CHECKPOINT_WRITE;
        else if (strcmp(value, "restore") == 0)
            tl_fault = TL_FAULT_RESTORE;
        else
            tl_die(TL_EXIT_USAGE, "%s: %s='%s' is not valid: expected checkpoint-write, restore or none", where,
                   k->key, value);
        return;
    }
}

static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        *--e = '\0';
    return s;
}

const char *tl_untrusted(const struct stat *st, int want_dir)
{
    if (want_dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))
        return want_dir ? "it is not a directory" : "it is not a regular file";
    if (st->st_uid != geteuid() && st->st_uid != 0)
        return "it is owned by another user";
    if (st->st_mode & (S_IWGRP | S_IWOTH))
        return "it is writable by group or others";
    return NULL;
}

/* The configuration file is obeyed only when it is a regular file of this user (or root) that nobody else
 * may write (as ssh treats its configuration): otherwise another user could plant a talent.conf in a shared
 * working directory. */
static void read_file(tl_config *c, const char *path, int must_exist)
{
    FILE *f;
    char line[4096], where[4200];
    unsigned lineno = 0;
    struct stat st;
    const char *why;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (must_exist || errno != ENOENT)
            tl_die(TL_EXIT_USAGE, "cannot read configuration file %s: %s", path, tl_strerror(errno));
        return;
    }
    if (fstat(fd, &st) != 0)
        tl_die(TL_EXIT_USAGE, "cannot read configuration file %s: %s", path, tl_strerror(errno));
    why = tl_untrusted(&st, 0);
    if (why)
        tl_die(TL_EXIT_USAGE, "configuration file %s is not trusted: %s (it must be a regular file owned by you or "
               "root and writable by nobody else; fix it or remove it)", path, why);
    f = fdopen(fd, "r");
    if (!f)
        tl_die(TL_EXIT_USAGE, "cannot read configuration file %s: %s", path, tl_strerror(errno));
    while (fgets(line, sizeof line, f)) {
        char *s, *eq, *key, *value, *hash;
        size_t k;
        lineno++;
        snprintf(where, sizeof where, "%s:%u", path, lineno);
        if (!strchr(line, '\n') && !feof(f))
            tl_die(TL_EXIT_USAGE, "%s: line longer than %lu characters", where, (unsigned long)sizeof line - 2);
        hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        s = trim(line);
        if (!*s)
            continue;
        eq = strchr(s, '=');
        if (!eq)
            tl_die(TL_EXIT_USAGE, "%s: '%s' is not a 'key = value' line", where, s);
        *eq = '\0';
        key = trim(s);
        value = trim(eq + 1);
        for (k = 0; k < NKEYS; k++)
            if (strcmp(keys[k].key, key) == 0)
                break;
        if (k == 2) /* restart */
            tl_die(TL_EXIT_USAGE, "%s: key 'restart' cannot be set in a configuration file (a file must not turn a "
                   "fresh run into a restore): set TALENT_RESTART=1 (talent exec --restart) instead", where);
        if (k == NKEYS) {
            char known[512] = "";
            for (k = 0; k < NKEYS; k++) {
                strcat(known, k ? ", " : "");
                strcat(known, keys[k].key);
            }
            tl_die(TL_EXIT_USAGE, "%s: unknown key '%s' (known: %s)", where, key, known);
        }
        set_key(c, &keys[k], value, where);
    }
    if (ferror(f))
        tl_die(TL_EXIT_USAGE, "cannot read configuration file %s: %s", path, tl_strerror(errno));
    fclose(f);
}

/* path made absolute against the directory the process started in (cwd.c's snapshot, taken before the
 * configuration is read): the runtime opens its checkpoint directory and event file again at every checkpoint, after
 * the program may have changed directory (cwd.c carries that change). Left as it is when that directory is unknown. */
static const char *absolute(const char *path)
{
    const char *start = tl_cwd_start();
    char *out;
    size_t n;
    if (!path || path[0] == '/' || !start)
        return path;
    if (strcmp(path, ".") == 0)
        return tl_xstrdup(start);
    n = strlen(start) + strlen(path) + 2;
    out = tl_xmalloc(n);
    tl_cwd_under_start(out, n, path);
    return out;
}

void tl_config_read(tl_config *c)
{
    const char *cfg = getenv(TL_ENV_CONFIG);
    size_t k;
    memset(c, 0, sizeof *c);
    c->dir = ".";
    c->keep = 2;
    tl_verbose = 0;
    tl_fault = TL_FAULT_NONE;
    tl_fsync_policy = TL_FSYNC_ALWAYS;
    tl_platform = tl_default_platform();
    if (cfg && *cfg)
        read_file(c, cfg, 1);
    else
        read_file(c, "talent.conf", 0);
    for (k = 0; k < NKEYS; k++) {
        const char *v = getenv(keys[k].env);
        char where[64];
        if (!v || !*v)
            continue;
        snprintf(where, sizeof where, "environment variable %s", keys[k].env);
        set_key(c, &keys[k], v, where);
    }
    {
        /* Not a key (a file must not request a checkpoint): set by the ./talent launcher for a SIGUSR1/SIGUSR2
         * that arrived before the program started, served by signals.c; checked here, before any restore. */
        const char *v = getenv(TL_ENV_EARLY_REQUEST);
        if (v && *v && strcmp(v, "stop") != 0 && strcmp(v, "checkpoint") != 0)
            tl_die(TL_EXIT_USAGE, "environment variable TALENT_EARLY_REQUEST='%s' is not valid: expected stop or "
                   "checkpoint", v);
    }
    c->dir = absolute(c->dir);
    c->event_file = absolute(c->event_file);
    c->restore_file = absolute(c->restore_file);
}
