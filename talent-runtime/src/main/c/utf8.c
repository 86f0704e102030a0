/* utf8.c: the one UTF-8 check of the runtime, used by the checkpoint reader (encode.c) and by the messages
 * (diag.c); a leaf, so that diag.c does not depend on the encoder (issue 14: no call cycle). */
#include "utf8.h"

/* Well-formed UTF-8 as Unicode defines it (what Java's strict decoder accepts): no overlong forms, no
 * surrogates, nothing above U+10FFFF; and, for the format's str, no U+0000. */
int tl_utf8_valid(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t k, len;
        unsigned lo = 0x80, hi = 0xBF;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else
            return 0;
        if (n - i < len)
            return 0;
        for (k = 1; k < len; k++) {
            unsigned d = p[i + k];
            if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF))
                return 0;
        }
        i += len;
    }
    return 1;
}
