/* Hand-written in the shape of generated code (docs/CODEGEN.md) for the program in the "source:" comments:
 * reads an input file line by line (fgets on a FILE * from fopen), one character of stdin per line, and
 * writes a report progressively to a "w" stream (reached through a FILE * in a heap block), an "a" stream
 * and a raw descriptor (open + write). Function 0 main; point 0: the blocking site of fgets (loop head).
 * main variables: 0 argc, 1 argv, 2 in, 3 out, 4 log, 5 raw, 6 s, 7 line, 8 lineno, 9 sum */
#include "talent.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

static const talent_type talent_td_int, talent_td_long, talent_td_file_ptr, talent_td_char_ptr_ptr,
    talent_td_sink, talent_td_sink_ptr, talent_td_line;

struct sink { FILE *f; int n; };

int talent_user_main(int argc, char **argv)
{
    static __typeof__(talent_user_main(argc, argv)) __talent_zret;
    if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(0)) {
        case 0: goto __talent_r0;
    }
    FILE *in = talent_fopen(argc > 1 ? argv[1] : "input.txt", "r", "filerw.c:18:16");
    FILE *out = talent_fopen("report.txt", "w", "filerw.c:19:17");
    FILE *log = talent_fopen("log.txt", "a", "filerw.c:20:17");
    int raw = talent_open("raw.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644, "filerw.c:21:15");
    struct sink *s = talent_malloc(sizeof *s, &talent_td_sink, "filerw.c:22:22");
    char line[64];
    long lineno = 0, sum = 0;
    char *r;
    if (!in || !out || !log || raw < 0) {
        perror("open");
        return 1;
    }
    s->f = out;
    for (;;) {
        /* source: while (fgets(line, sizeof line, in)) -- a blocking site */
        for (;;) {
            if (__builtin_expect(talent_pending, 0)) {
                if (talent_site_slow(0)) {
                    talent_frame_begin(0, 0);
                    TALENT_SAVE_INT(0, "argc", "filerw.c:16:26", argc, &talent_td_int);
                    talent_save_ptr(1, "argv", "filerw.c:16:39", argv, &talent_td_char_ptr_ptr);
                    talent_save_ptr(2, "in", "filerw.c:18:11", in, &talent_td_file_ptr);
                    talent_save_ptr(3, "out", "filerw.c:19:11", out, &talent_td_file_ptr);
                    talent_save_ptr(4, "log", "filerw.c:20:11", log, &talent_td_file_ptr);
                    TALENT_SAVE_INT(5, "raw", "filerw.c:21:9", raw, &talent_td_int);
                    talent_save_ptr(6, "s", "filerw.c:22:18", s, &talent_td_sink_ptr);
                    talent_save_mem(7, "line", "filerw.c:23:10", &line, &talent_td_line, 1);
                    TALENT_SAVE_INT(8, "lineno", "filerw.c:24:10", lineno, &talent_td_long);
                    TALENT_SAVE_INT(9, "sum", "filerw.c:24:22", sum, &talent_td_long);
                    talent_frame_end();
                    return __talent_zret;
                }
                if (0) {
                __talent_r0: ;
                    talent_bind(7, &line, &talent_td_line);
                    TALENT_RESTORE_INT(0, argc, &talent_td_int);
                    argv = (__typeof__(argv))talent_restore_ptr(1, &talent_td_char_ptr_ptr);
                    in = (__typeof__(in))talent_restore_ptr(2, &talent_td_file_ptr);
                    out = (__typeof__(out))talent_restore_ptr(3, &talent_td_file_ptr);
                    log = (__typeof__(log))talent_restore_ptr(4, &talent_td_file_ptr);
                    TALENT_RESTORE_INT(5, raw, &talent_td_int);
                    s = (__typeof__(s))talent_restore_ptr(6, &talent_td_sink_ptr);
                    talent_restore_mem(7, &line, &talent_td_line);
                    TALENT_RESTORE_INT(8, lineno, &talent_td_long);
                    TALENT_RESTORE_INT(9, sum, &talent_td_long);
                    talent_frame_restored();
                }
            }
            r = talent_fgets(line, sizeof line, in);
            if (!talent_blocking_retry())
                break;
        }
        if (!r)
            break;
        {
            char buf[64];
            int c = getchar();
            int k;
            lineno++;
            sum += (long)strlen(line);
            fprintf(s->f, "%ld: %s", lineno, line);
            fprintf(log, "line %ld sum %ld\n", lineno, sum);
            k = snprintf(buf, sizeof buf, "raw %ld %c\n", lineno, c == EOF ? '-' : c);
            if (talent_write(raw, buf, (size_t)k) != k)
                return 2;
            printf("processed %ld (%ld)\n", lineno, sum);
        }
    }
    talent_fclose(in);
    talent_fclose(out);
    talent_fclose(log);
    talent_close(raw);
    talent_free(s);
    printf("done %ld lines, %ld bytes\n", lineno, sum);
    return 0;
}

static const talent_type talent_td_int = TALENT_INT_TYPE(int, "int");
static const talent_type talent_td_long = TALENT_INT_TYPE(long, "long");
static const talent_type talent_td_file_ptr = TALENT_PTR_TYPE(FILE *, "FILE *", "FILE");
static const talent_type talent_td_char_ptr_ptr = TALENT_PTR_TYPE(char **, "char **", "char *");
static const talent_type talent_td_char = TALENT_INT_TYPE(char, "char");
static const talent_type talent_td_line = TALENT_ARRAY_TYPE(char[64], "char[64]", char, &talent_td_char);
static const talent_field talent_fields_sink[] = {
    TALENT_FIELD(struct sink, f, &talent_td_file_ptr),
    TALENT_FIELD(struct sink, n, &talent_td_int),
};
static const talent_type talent_td_sink = TALENT_STRUCT_TYPE(struct sink, "struct sink", talent_fields_sink);
static const talent_type talent_td_sink_ptr = TALENT_PTR_TYPE(struct sink *, "struct sink *", "struct sink");
static const talent_alloc_site talent_alloc_sites_filerw[] = { { "filerw.c:22:22", &talent_td_sink } };
const talent_unit talent_unit_filerw = { "filerw.c", 0, 0, talent_alloc_sites_filerw, 1, 0, 0 };

static const talent_unit *const talent_units[] = { &talent_unit_filerw };
static const talent_function talent_functions[] = { { "main", "filerw.c:16:5", 0 } };
static const talent_point talent_points[] = { { 0, 1, "filerw.c:33:9" } };
static int talent_invoke_main(int argc, char **argv) { return talent_user_main(argc, argv); }
const talent_program talent_the_program = {
    "7a0c3a1e9b7d42c6a8e1f03b2d4c6e01", "filerw", talent_units, 1, talent_functions, 1, talent_points, 1,
    talent_invoke_main,
};
