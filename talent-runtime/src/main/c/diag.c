/* diag.c: messages on stderr (prefixed "talent: "), fatal exits with the runtime's exit codes, checked
 * and the platform name (checked allocation: heap_track.c). */
#include "diag.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int tl_verbose;
const char *tl_platform;
int tl_fault;

void (*tl_die_hook)(int code, const char *message);
void (*tl_die_exit_hook)(void);

size_t tl_escape(const char *s, char *out, size_t outlen)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    if (outlen == 0)
        return 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80) {
            /* a well-formed UTF-8 character is kept, except the C1 controls U+0080..U+009F; any other byte is
             * escaped (a lone 0x9B is CSI on some terminals) */
            size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2, k;
            int keep = strnlen(s, len) == len && tl_utf8_valid((const unsigned char *)s, len) &&
                       !(c == 0xC2 && (unsigned char)s[1] < 0xA0);
            if (keep) {
                if (n + len >= outlen)
                    break;
                for (k = 0; k < len; k++)
                    out[n++] = s[k];
                s += len - 1;
                continue;
            }
        }
        if (c < 0x20 || c >= 0x7F || c == '\\') {
            char e[5];
            size_t k, len = 4;
            if (c == '\\')
                e[0] = '\\', e[1] = '\\', len = 2;
            else
                e[0] = '\\', e[1] = 'x', e[2] = hex[c >> 4], e[3] = hex[c & 15];
            if (n + len >= outlen)
                break;
            for (k = 0; k < len; k++)
                out[n++] = e[k];
        } else {
            if (n + 1 >= outlen)
                break;
            out[n++] = (char)c;
        }
    }
    out[n] = '\0';
    return n;
}

/* Every message goes through tl_escape: names and paths in it may come from a checkpoint or from the program
 * (a variable name, a file path, a string of the file), and a control character in them must not reach the
 * operator's terminal as such (an escape sequence could hide or forge lines). */
static void vmessage(const char *prefix, const char *fmt, va_list ap)
{
    char raw[4096], safe[4096 * 2];
    vsnprintf(raw, sizeof raw, fmt, ap);
    tl_escape(raw, safe, sizeof safe);
    fputs("talent: ", stderr);
    if (prefix)
        fputs(prefix, stderr);
    fputs(safe, stderr);
    fputc('\n', stderr);
    fflush(stderr);
}

void tl_die(int code, const char *fmt, ...)
{
    va_list ap;
    if (tl_die_hook) {
        /* a restore in progress falls back to an older checkpoint instead (main.c); the hook returns only
         * when it cannot */
        char msg[4096];
        void (*hook)(int, const char *) = tl_die_hook;
        tl_die_hook = NULL;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        hook(code, msg);
    }
    va_start(ap, fmt);
    vmessage(NULL, fmt, ap);
    va_end(ap);
    /* not the program's own exit: no `exiting` event (events.c sets the hook when events are on) */
    if (tl_die_exit_hook)
        tl_die_exit_hook();
    /* Output the program wrote before the failure is kept; exit() flushes stdio. */
    exit(code);
}

void tl_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("warning: ", fmt, ap);
    va_end(ap);
}

void tl_message(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(NULL, fmt, ap);
    va_end(ap);
}

void tl_info(const char *fmt, ...)
{
    va_list ap;
    if (!tl_verbose)
        return;
    va_start(ap, fmt);
    vmessage(NULL, fmt, ap);
    va_end(ap);
}

const char *tl_default_platform(void)
{
#if defined(__x86_64__)
#define TL_ISA "x86_64"
#elif defined(__aarch64__)
#define TL_ISA "aarch64"
#elif defined(__s390x__)
#define TL_ISA "s390x"
#elif defined(__riscv) && defined(__riscv_xlen) && __riscv_xlen == 64
#define TL_ISA "riscv64"
#elif defined(__i386__)
#define TL_ISA "i686"
#else
#define TL_ISA "unknown"
#endif
#ifdef __GLIBC__
    return TL_ISA;
#else
    return TL_ISA "-musl";
#endif
}

double tl_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
