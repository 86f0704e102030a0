/*
 * The program's environment and locale. A checkpoint carries neither: a restored process starts with the environment
 * it was given and in the "C" locale. A program that changed them before a checkpoint (GNU units sets UNITS_SYSTEM
 * with setenv and reads it back while parsing its definitions) would then silently compute something else, so the
 * checkpoint is refused, naming what changed.
 */
#include "env.h"
#include "refusal.h"
#include "diag.h"
#include "xalloc.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static char **start_env;
static size_t start_n;
static char *start_locale;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The current environment's strings, sorted (pointers into environ, not copies); *n their number. */
static char **sorted_environ(size_t *n)
{
    size_t k = 0, i;
    char **v;
    while (environ && environ[k])
        k++;
    v = tl_xmalloc((k + 1) * sizeof *v);
    for (i = 0; i < k; i++)
        v[i] = environ[i];
    qsort(v, k, sizeof *v, cmp_str);
    *n = k;
    return v;
}

void tl_env_snapshot(void)
{
    size_t i;
    char **now;
    const char *loc = setlocale(LC_ALL, NULL);
    for (i = 0; i < start_n; i++)
        free(start_env[i]);
    free(start_env);
    free(start_locale);
    now = sorted_environ(&start_n);
    start_env = tl_xmalloc((start_n + 1) * sizeof *start_env);
    for (i = 0; i < start_n; i++)
        start_env[i] = tl_xstrdup(now[i]);
    free(now);
    start_locale = tl_xstrdup(loc ? loc : "C");
}

/* "NAME" of "NAME=value", at most outlen - 1 characters. */
static void var_name(const char *s, char *out, size_t outlen)
{
    size_t n = strcspn(s, "=");
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

void tl_env_check(void)
{
    size_t n, i = 0, j = 0;
    char **now;
    const char *loc;
    char name[128];
    if (!start_env)
        return;
    now = sorted_environ(&n);
    while (i < start_n || j < n) {
        int c = i == start_n ? 1 : j == n ? -1 : strcmp(start_env[i], now[j]);
        if (c == 0) {
            i++;
            j++;
            continue;
        }
        var_name(c < 0 ? start_env[i] : now[j], name, sizeof name);
        free(now);
        tl_refuse("cannot checkpoint: the program changed its environment variable '%s' (setenv, putenv, unsetenv or "
                  "clearenv) after it started; a checkpoint does not carry the environment, and the restored program "
                  "would see the one it is restarted with", name);
        return;
    }
    free(now);
    loc = setlocale(LC_ALL, NULL);
    if (loc && strcmp(loc, start_locale) != 0)
        tl_refuse("cannot checkpoint: the program set its locale to '%s' (setlocale) after it started in '%s'; a "
                  "checkpoint does not carry the C library's locale, and the restored program would run in '%s'", loc,
                  start_locale, start_locale);
}
