package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file without a name (issue 11: GNU ed's scratch buffer is a {@code tmpfile()}): every checkpoint while one was open
 * was refused ("is a deleted file"), so ed could never migrate. Its contents are now carried (FILE flag CONTENTS, the
 * TMPF section) and a restore makes such a file again, with the stream's position, mode and buffering; also a file the
 * program opened and unlinked itself. Above TL_TMPF_MAX bytes the checkpoint is refused by name.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class TmpfileContentsIT {
    @TempDir
    Path work;

    /**
     * Lines written through a tmpfile stream (pending in its buffer at a stop), read back from the middle with fseek
     * and fgets (read ahead at a stop), overwritten in place, and a descriptor on a file the program unlinked, written
     * with write and read with pread after lseek: stops between all of them.
     */
    static final String SCRATCH = """
            #include <fcntl.h>
            #include <stdio.h>
            #include <string.h>
            #include <unistd.h>
            static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
            int main(void) {
                FILE *t = tmpfile();
                char line[64], name[] = "%s";
                unsigned long long h = 7;
                int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
                if (!t || fd < 0 || unlink(name) != 0) return 1;
                setvbuf(t, NULL, _IOFBF, 256);
                for (int r = 0; r < 300; r++) {
                    fprintf(t, "%%03d:%%08x\\n", r, work(r %% 37));
                    unsigned char b[4] = {(unsigned char)(r >> 8), (unsigned char)r, (unsigned char)(r * 7), 10};
                    if (write(fd, b, 4) != 4) return 2;
                    if (r %% 7 == 3) {
                        long end = ftell(t);
                        unsigned char v[4];
                        if (fseek(t, (long)(r / 2) * 13, SEEK_SET) != 0) return 3;
                        if (fgets(line, sizeof line, t))
                            for (char *p = line; *p; p++) h = h * 131 + (unsigned char)*p;
                        h = h * 31 + work(r %% 11);
                        if (fgets(line, sizeof line, t)) h = h * 17 + strlen(line) + (unsigned char)line[2];
                        if (fseek(t, end, SEEK_SET) != 0) return 4;
                        if (pread(fd, v, 4, (off_t)(r / 3) * 4) == 4) h = h * 7 + (unsigned)(v[0] << 16 | v[1] << 8 | v[2]);
                        h += work(r %% 5);
                    }
                    if (r %% 50 == 49) printf("r=%%d h=%%llu at %%ld fd at %%ld\\n", r, h, ftell(t), (long)lseek(fd, 0, SEEK_CUR));
                }
                /* overwrite every tenth line in place, then read the whole file back */
                for (int r = 0; r < 300; r += 10) {
                    if (fseek(t, (long)r * 13, SEEK_SET) != 0) return 5;
                    fprintf(t, "%%03d-%%08x\\n", r, work(r %% 23));
                }
                rewind(t);
                int n = 0;
                while (fgets(line, sizeof line, t)) {
                    for (char *p = line; *p; p++) h = h * 131 + (unsigned char)*p;
                    h += work(n++ %% 13);
                }
                lseek(fd, 0, SEEK_SET);
                unsigned char v[4];
                int m = 0;
                while (read(fd, v, 4) == 4) { h = h * 3 + (unsigned)(v[0] << 16 | v[1] << 8 | v[2]); m++; }
                printf("lines %%d ints %%d h=%%llu\\n", n, m, h);
                fclose(t);
                close(fd);
                return 0;
            }
            """;

    @Test
    void aTmpfileAndAnUnlinkedFileMigrateLikeGcc() throws Exception {
        String source = SCRATCH.formatted(work.resolve("scratch.bin"));
        Run plain = MigratesLikeGcc.plainGcc(work, "scratch", source);
        assertThat(plain.rc()).as(plain.err()).isZero();
        assertThat(plain.out()).startsWith("r=49 h=").contains("\nlines 300 ints 300 h=");
        // x86_64 -> s390x -> i686 -> x86_64 with musl: stops while lines are written, read ahead, overwritten, read back
        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "scratch", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{300, 900, 1700}, {1500, 2100, 400},
            {2900, 40, 1000}}, plain);
        // and on the same ISA, at every stop
        MigratesLikeGcc.checkEveryStop(work, "scratch1", source.replace("scratch.bin", "scratch1.bin"), 1, 7, 1100, 3300);
    }

    /**
     * A file made without a name by {@code open(dir, O_TMPFILE | O_RDWR)}: written with write and pwrite, its size read
     * with fstat, read back with pread, stops between them. Its contents are carried as tmpfile's are.
     */
    @Test
    void anOTmpfileDescriptorMigratesLikeGcc() throws Exception {
        String source = """
                #define _GNU_SOURCE 1
                #include <fcntl.h>
                #include <stdio.h>
                #include <sys/stat.h>
                #include <unistd.h>
                static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
                static void put(unsigned char *b, unsigned v) { b[0] = v >> 24; b[1] = v >> 16; b[2] = v >> 8; b[3] = v; }
                static unsigned get(const unsigned char *b) { return (unsigned)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]; }
                int main(void) {
                    int fd = open("%s", O_TMPFILE | O_RDWR, 0600);
                    unsigned long long h = 5;
                    unsigned char b[4];
                    struct stat st;
                    if (fd < 0) return 1;
                    for (int r = 0; r < 400; r++) {
                        put(b, work(r %% 29) ^ (unsigned)r);
                        if (write(fd, b, 4) != 4) return 2;
                        if (r %% 9 == 4) {
                            put(b, (unsigned)r * 2654435761u);
                            if (pwrite(fd, b, 4, (off_t)(r / 2) * 4) != 4) return 3;
                        }
                        if (r %% 13 == 6) {
                            if (pread(fd, b, 4, (off_t)(r / 3) * 4) == 4) h = h * 131 + get(b);
                            if (fstat(fd, &st) != 0) return 4;
                            h = h * 7 + (unsigned long long)st.st_size + (unsigned long long)lseek(fd, 0, SEEK_CUR);
                        }
                        if (r %% 80 == 79) printf("r=%%d h=%%llu\\n", r, h);
                    }
                    lseek(fd, 0, SEEK_SET);
                    int n = 0;
                    while (read(fd, b, 4) == 4) { h = h * 3 + get(b); n++; }
                    printf("words %%d h=%%llu\\n", n, h);
                    close(fd);
                    return 0;
                }
                """.formatted(work);
        Run plain = MigratesLikeGcc.plainGcc(work, "otmp", source);
        assertThat(plain.rc()).as(plain.err()).isZero();
        assertThat(plain.out()).startsWith("r=79 h=").contains("\nwords 400 h=");
        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "otmp", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{50, 2000, 1500}, {2500, 1000, 700},
            {4500, 500, 300}}, plain);
    }

    /** More than TL_TMPF_MAX (64 MiB) in a tmpfile: the stop is refused naming it and the limit, the program goes on. */
    @Test
    void aTmpfileAboveTheLimitIsRefusedByName() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(work, "big", """
                #include <stdio.h>
                #include <string.h>
                static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
                int main(void) {
                    static char block[1 << 20];
                    FILE *t = tmpfile();
                    unsigned h = 0;
                    if (!t) return 1;
                    memset(block, 'x', sizeof block);
                    for (int i = 0; i < 65; i++) if (fwrite(block, 1, sizeof block, t) != sizeof block) return 2;
                    for (int r = 0; r < 100; r++) h = h * 3 + work(r);
                    printf("h=%u size=%ld\\n", h, ftell(t));
                    fclose(t);
                    return 0;
                }
                """, 70);
        assertThat(stopped.err()).contains("made by tmpfile at big.c:6:")
                .contains("a deleted file of 68157440 bytes, more than the 67108864");
    }
}
