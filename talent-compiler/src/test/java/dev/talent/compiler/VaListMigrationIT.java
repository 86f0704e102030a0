package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A printf-like helper walks its va_list while it calls a function with a loop (a site), as Lua's
 * luaO_pushvfstring does (issue 11): the va_list is never saved; a stop requested while it is live waits for the
 * first site after its region (docs/CODEGEN.md "va_list regions"). Stopped at many visit counts on x86_64 (many of
 * them inside the helper's callees) and restarted on s390x, the program prints what plain gcc's build prints. A
 * struct tm local, filled by hand, is live at every stop.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class VaListMigrationIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <stdarg.h>
            #include <stdio.h>
            #include <string.h>
            #include <time.h>
            struct out { char buf[512]; int len; unsigned long hash; };
            /* a function with a loop: a site, visited while the caller's va_list is live */
            static int digits(char *to, long v, int base) {
              char tmp[32]; int n = 0, k = 0; unsigned long u = v < 0 ? (unsigned long)-v : (unsigned long)v;
              do { tmp[n++] = "0123456789abcdef"[u % (unsigned)base]; u /= (unsigned)base; } while (u);
              if (v < 0) to[k++] = '-';
              while (n > 0) to[k++] = tmp[--n];
              return k;
            }
            static long spin(long x) { long s = 0; for (int i = 0; i < 40; i++) s += (x ^ i) % 11; return s; }
            static void put(struct out *o, const char *s, int n) {
              for (int i = 0; i < n && o->len < 500; i++) { o->buf[o->len++] = s[i]; o->hash = o->hash * 131 + (unsigned char)s[i]; }
            }
            static int vformat(struct out *o, const char *fmt, va_list ap) {
              char num[40]; int count = 0;
              for (const char *p = fmt; *p; p++) {
                if (*p != '%') { put(o, p, 1); continue; }
                switch (*++p) {
                  case 'd': put(o, num, digits(num, va_arg(ap, int), 10)); break;
                  case 'x': put(o, num, digits(num, va_arg(ap, long), 16)); break;
                  case 's': { const char *s = va_arg(ap, const char *); put(o, s, (int)strlen(s)); break; }
                  case 't': put(o, num, digits(num, spin(va_arg(ap, long)), 10)); break;
                  default: put(o, p, 1);
                }
                count++;
              }
              return count;
            }
            static int format(struct out *o, const char *fmt, ...) {
              va_list ap;
              long before = spin(o->len);
              va_start(ap, fmt);
              int n = vformat(o, fmt, ap);
              if (n < 0) { va_end(ap); return -1; }
              va_end(ap);
              return n + (int)(spin(before) % 3);
            }
            static int twice(struct out *o, const char *fmt, ...) {
              va_list ap, aq; int n;
              va_start(ap, fmt);
              va_copy(aq, ap);
              n = vformat(o, fmt, ap);
              n += vformat(o, fmt, aq);
              va_end(aq);
              va_end(ap);
              return n;
            }
            int main(void) {
              static const char *names[] = { "alpha", "beta", "gamma", "delta" };
              struct out o; unsigned long total = 0; int fields = 0;
              struct tm tm; memset(&tm, 0, sizeof tm);
              tm.tm_year = 124; tm.tm_mon = 1; tm.tm_mday = 28; tm.tm_hour = 23;
              for (int r = 0; r < 300; r++) {
                o.len = 0; o.hash = 5381;
                fields += format(&o, "r=%d %s x=%x t=%t;", r, names[r % 4], (long)r * 2654435761L, (long)r);
                if (r % 7 == 0) fields += twice(&o, "[%s:%d]", names[(r / 7) % 4], -r);
                total = total * 31 + o.hash + (unsigned long)o.len;
                tm.tm_min = r % 60; tm.tm_sec = (r * 7) % 60;
                if (r % 100 == 99) { o.buf[o.len] = 0; printf("%d %s\\n", r, o.buf); }
              }
              char when[64]; strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
              printf("total=%lu fields=%d tm=%s yday=%d\\n", total, fields, when, tm.tm_yday);
              return 0;
            }
            """;

    @Test
    void aPrintfLikeHelperMigratesLikeGcc() throws Exception {
        String expected = MigratesLikeGcc.check(work, "valist", PROGRAM, 2,
                1, 17, 230, 1000, 4321, 9999, 25000);
        assertThat(expected).contains("total=").contains("tm=2024-02-28 23:");
    }
}
