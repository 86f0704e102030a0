package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: descriptors made where talent does not see them (a call through a function pointer, an uninstrumented
 * object linked in, dup3 of such a descriptor) are found in /proc/self/fd at a checkpoint and refuse it by name
 * (fdscan.c), natively and under qemu; once closed, the program migrates with gcc's output. pclose and closedir
 * keep the descriptor table exact, and descriptors inherited at start are carried or refused like the program's own.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UnseenDescriptorsIT {
    @TempDir
    Path work;

    /** Compiled as it is, never instrumented: a library talent does not see into. */
    static final String LIBRARY = """
            #include <fcntl.h>
            #include <stdlib.h>
            #include <sys/eventfd.h>
            #include <sys/socket.h>
            #include <unistd.h>
            int lib_socket(void) { return socket(AF_UNIX, SOCK_DGRAM, 0); }
            int lib_eventfd(void) { return eventfd(0, 0); }
            int lib_open(void) { return open(getenv("DATA"), O_RDONLY); }
            long lib_pipe_roundtrip(int w, int r) {
              char c = 'y';
              if (write(w, &c, 1) != 1) return -1;
              return read(r, &c, 1) + c;
            }
            unsigned long long lib_event(int fd, unsigned long long v) {
              unsigned long long got = 0;
              if (write(fd, &v, sizeof v) != (long)sizeof v || read(fd, &got, sizeof got) != (long)sizeof got) return 0;
              return got;
            }
            """;

    /**
     * A pipe made through a function pointer (closed at round 60), a socket from the library (closed at 80) and a dup3
     * copy at 40 of the library's eventfd, whose own number is closed at once (the copy closed at 100); none reaches a
     * wrapper. Stops: the runtime's after 20 site visits (all open), the program's at 70, 90 (only when STOP_LATER is
     * set) and 150 (nothing open).
     */
    static final String UNSEEN = """
            #define _GNU_SOURCE 1
            #include <fcntl.h>
            #include <signal.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <unistd.h>
            int lib_socket(void);
            int lib_eventfd(void);
            long lib_pipe_roundtrip(int w, int r);
            unsigned long long lib_event(int fd, unsigned long long v);
            int main(void) {
              int (*make)(int *) = pipe;
              int pp[2], so, ev, copy = 40;
              unsigned long long h = 5;
              if (make(pp) != 0) return 1;
              so = lib_socket();
              if (so < 0) return 2;
              ev = lib_eventfd();
              if (ev < 0) return 3;
              if (dup3(ev, copy, O_CLOEXEC) != copy) return 4;
              close(ev);
              for (int r = 0; r < 200; r++) {
                if (r == 60) { close(pp[0]); close(pp[1]); }
                if (r == 80) close(so);
                if (r == 100) close(copy);
                if ((r == 70 || r == 90 || r == 150) && getenv("STOP_LATER")) kill(getpid(), SIGUSR1);
                if (r < 60) h = h * 7 + (unsigned long long)lib_pipe_roundtrip(pp[1], pp[0]);
                if (r < 100) h = h * 3 + lib_event(copy, (unsigned long long)r + 1);
                h = h * 1000003u + (unsigned)r;
                if (r % 50 == 49) { printf("r=%d h=%llu\\n", r, h % 1000000007ull); fflush(stdout); }
              }
              printf("end %llu\\n", h);
              return 0;
            }
            """;

    @Test
    void descriptorsMadeWhereTalentDoesNotSeeRefuseEachStopByNameThenTheProgramMigrates() throws Exception {
        Path src = work.resolve("unseen.c");
        Files.writeString(src, UNSEEN);
        Path lib = work.resolve("lib.c");
        Files.writeString(lib, LIBRARY);
        Run plain = plain(List.of(src, lib), List.of(), Map.of());
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "unseen"));
        Target x86 = HOPS.getFirst();
        Target s390x = HOPS.get(1);
        Target aarch64 = HOPS.get(3);
        assertThat(s390x.name()).isEqualTo("s390x");
        assertThat(aarch64.name()).isEqualTo("aarch64");
        for (Target[] hop : List.of(new Target[] {x86, s390x}, new Target[] {aarch64, x86})) {
            Path from = link(hop[0], r, work.resolve("unseen." + hop[0].name()), List.of(lib));
            Path to = link(hop[1], r, work.resolve("unseen." + hop[1].name()), List.of(lib));
            Path ck = checkpointDir("ck-" + hop[0].name());
            Run first = run(command(hop[0], from), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "20",
                    "STOP_LATER", "1"), null);
            String on = "started on " + hop[0].name() + ":\n" + first.err();
            assertThat(first.rc()).as(on).isEqualTo(75);
            List<String> refusals = refusals(first.err());
            assertThat(refusals).as(on).hasSize(3);
            assertThat(refusals.get(0)).as(on).contains("descriptor 3 (pipe:[").contains("descriptor 4 (pipe:[")
                    .contains("is a pipe or FIFO").contains("descriptor 5 (socket:[").contains("is a Unix-domain socket")
                    .contains("descriptor 40 (anon_inode:[eventfd]) is a kernel object")
                    .contains("made where talent did not see them").contains("the program continues");
            assertThat(refusals.get(1)).as(on).doesNotContain("pipe:[").contains("descriptor 5 (socket:[")
                    .contains("descriptor 40 (anon_inode:[eventfd])");
            assertThat(refusals.get(2)).as(on).doesNotContain("socket:[").contains("descriptor 40 (anon_inode:[eventfd])")
                    .contains("made where talent did not see it");
            assertThat(first.out()).as("stopped at round 150").contains("r=99 ").doesNotContain("r=199");
            Run second = run(command(hop[1], to), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
            assertThat(second.rc()).as(second.err()).isZero();
            assertThat(first.out() + second.out()).as(first.err() + second.err()).isEqualTo(plain.out());
        }
    }

    /**
     * popen's stream (closed with pclose at round 30) and opendir's directory (open from 40 to 50) refuse the stops
     * while they are open, naming the call; the number closedir frees is then reused by the library's open (60 to 80),
     * which refuses the stop at 70 as a descriptor talent did not see made (with closedir not wrapped, the stale entry
     * would have carried that file); the stop at 150 migrates.
     */
    static final String POPEN_OPENDIR = """
            #include <dirent.h>
            #include <signal.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            int lib_open(void);
            int main(void) {
              FILE *p;
              DIR *d = NULL;
              char line[64];
              unsigned long long h = 11;
              int reused = -1;
              p = popen("echo popen-line", "r");
              if (!p || !fgets(line, sizeof line, p)) return 1;
              h += strlen(line);
              for (int r = 0; r < 200; r++) {
                if (r == 30 && pclose(p) != 0) return 2;
                if (r == 40 && !(d = opendir("."))) return 3;
                if (r == 50) {
                  int n = 0;
                  while (readdir(d)) n++;
                  h += n > 0;
                  if (closedir(d) != 0) return 4;
                }
                if (r == 60) { reused = lib_open(); if (reused < 0) return 5; printf("reused %d\\n", reused); }
                if (r == 80) close(reused);
                if ((r == 45 || r == 70 || r == 150) && getenv("STOP_LATER")) kill(getpid(), SIGUSR1);
                h = h * 1000003u + (unsigned)r;
                if (r % 50 == 49) { printf("r=%d h=%llu\\n", r, h % 1000000007ull); fflush(stdout); }
              }
              printf("end %llu\\n", h);
              return 0;
            }
            """;

    @Test
    void pcloseAndClosedirKeepTheTableExactAndTheProgramMigratesOnceTheyAreClosed() throws Exception {
        Path src = work.resolve("po.c");
        Files.writeString(src, POPEN_OPENDIR);
        Path lib = work.resolve("lib.c");
        Files.writeString(lib, LIBRARY);
        Path data = work.resolve("data.txt");
        Files.writeString(data, "data\n");
        Map<String, String> env = Map.of("DATA", data.toString());
        Run plain = plain(List.of(src, lib), List.of(), env);
        assertThat(plain.out()).contains("reused 3\n");
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "po"));
        assertThat(Files.readString(r.instrumentedSources().getFirst())).contains("talent_pclose(").contains("talent_closedir(");
        Target x86 = HOPS.getFirst();
        Target s390x = HOPS.get(1);
        Path from = link(x86, r, work.resolve("po.x86_64"), List.of(lib));
        Path to = link(s390x, r, work.resolve("po.s390x"), List.of(lib));
        Path ck = checkpointDir("ck");
        Run first = run(command(x86, from), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "20",
                "STOP_LATER", "1", "DATA", data.toString()), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        List<String> refusals = refusals(first.err());
        assertThat(refusals).as(first.err()).hasSize(3);
        assertThat(refusals.get(0)).contains("descriptor 3 (pipe:[").contains("made by popen at po.c:")
                .contains("a pipe or FIFO");
        assertThat(refusals.get(1)).contains("descriptor 3 (/").contains("made by opendir at po.c:")
                .contains("a directory");
        assertThat(refusals.get(2)).contains("descriptor 3 (" + data.toRealPath() + ") is a regular file")
                .contains("made where talent did not see it");
        Run second = run(command(s390x, to), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(second.rc()).as(second.err()).isZero();
        assertThat(first.out() + second.out()).as(first.err() + second.err()).isEqualTo(plain.out());
    }

    /**
     * memfd_create's file has no name either (st_nlink 0, like tmpfile's, whose contents are carried now:
     * TmpfileContentsIT), but it is memory the program may seal or share: a stop while it is open is refused naming
     * the call and its position, and the program goes on with plain gcc's output.
     */
    @Test
    void aStopWhileAMemfdIsOpenIsRefusedNamingMemfdCreate() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "mf", """
                #define _GNU_SOURCE 1
                #include <stdio.h>
                #include <sys/mman.h>
                #include <unistd.h>
                static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
                int main(void) {
                    int m = memfd_create("scratch", 0);
                    unsigned v, h = 0;
                    if (m < 0) return 1;
                    for (unsigned r = 0; r < 100; r++) { v = work(r); if (write(m, &v, sizeof v) != sizeof v) return 2; }
                    for (unsigned r = 0; r < 100; r++) if (pread(m, &v, sizeof v, r * sizeof v) == sizeof v) h = h * 3 + v + work(v % 20);
                    close(m);
                    printf("h=%u\\n", h);
                    return 0;
                }
                """);
        Path exe = link(HOPS.getFirst(), MigratesLikeGcc.compiled(work, "mf"), work.resolve("mf.x86_64"));
        Path ck = Files.createDirectories(work.resolve("mf-ck"));
        Run stopped = run(command(HOPS.getFirst(), exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                "TALENT_STOP_AFTER", "20"), null);
        assertThat(stopped.err()).contains("checkpoint 1 could not be written: cannot checkpoint: descriptor 3 (/memfd:scratch")
                .contains("made by memfd_create at mf.c:7:").contains("is a memory file (memfd_create)")
                .contains("the program continues");
        assertThat(stopped.out()).as(stopped.err()).isEqualTo(plain.out());
        assertThat(stopped.rc()).as(stopped.err()).isEqualTo(plain.rc());
        try (var files = Files.list(ck)) {
            assertThat(files.toList()).as("nothing written").isEmpty();
        }
    }

    /**
     * Descriptors open at start beyond 0-2 are the program's: a regular file inherited as descriptor 7 (read with
     * pread, moved with lseek: never passed to a wrapper) is carried with its offset; a pipe inherited as 8 refuses
     * the stops while it is open (closed at round 100), naming it as inherited.
     */
    static final String INHERITED = """
            #include <signal.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <unistd.h>
            int main(void) {
              char b[1];
              unsigned long long h = 3;
              for (int r = 0; r < 200; r++) {
                if (r == 100) close(8);
                if ((r == 90 || r == 150) && getenv("STOP_LATER")) kill(getpid(), SIGUSR1);
                if (pread(7, b, 1, r % 10) == 1) h = h * 31 + (unsigned char)b[0];
                if (lseek(7, 1, SEEK_CUR) < 0) return 1;
                h = h * 1000003u + (unsigned)r;
                if (r % 50 == 49) { printf("r=%d h=%llu\\n", r, h % 1000000007ull); fflush(stdout); }
              }
              printf("end %llu at %lld\\n", h, (long long)lseek(7, 0, SEEK_CUR));
              return 0;
            }
            """;

    @Test
    void inheritedDescriptorsAreCarriedOrRefusedLikeTheProgramsOwn() throws Exception {
        Path src = work.resolve("inh.c");
        Files.writeString(src, INHERITED);
        Path data = work.resolve("inherited.txt");
        Files.writeString(data, "0123456789\n".repeat(30));
        String shell = "exec \"$0\" 7<\"$1\" 8<&0";
        Path orig = work.resolve("inh.orig");
        Run cc = run(List.of("gcc", "-O2", "-Wall", "-o", orig.toString(), src.toString()), Map.of(), null);
        assertThat(cc.rc()).as(cc.err()).isZero();
        Run plain = run(List.of("sh", "-c", shell, orig.toString(), data.toString()), Map.of(), null);
        assertThat(plain.rc()).as(plain.err()).isZero();
        assertThat(plain.out()).endsWith(" at 200\n");
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "inh"));
        Target x86 = HOPS.getFirst();
        Target aarch64 = HOPS.get(3);
        Path from = link(x86, r, work.resolve("inh.x86_64"));
        Path to = link(aarch64, r, work.resolve("inh.aarch64"));
        Path ck = checkpointDir("ck");
        Run first = run(List.of("sh", "-c", shell, from.toString(), data.toString()), Map.of("TALENT_CHECKPOINT_DIR",
                ck.toString(), "TALENT_STOP_AFTER", "20", "STOP_LATER", "1"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        List<String> refusals = refusals(first.err());
        assertThat(refusals).as(first.err()).hasSize(2).allSatisfy(l -> assertThat(l)
                .contains("descriptor 8 (pipe:[").contains("inherited (open when the program started)")
                .contains("a pipe or FIFO").doesNotContain("descriptor 7"));
        // restarted without the inherited file: descriptor 7 is reopened from the checkpoint at its offset
        Run second = run(command(aarch64, to), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(second.rc()).as(second.err()).isZero();
        assertThat(first.out() + second.out()).as(first.err() + second.err()).isEqualTo(plain.out());
    }

    private Run plain(List<Path> sources, List<String> flags, Map<String, String> env) throws Exception {
        Path orig = work.resolve("plain.orig");
        List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-Wall", "-o", orig.toString()));
        cmd.addAll(flags);
        sources.forEach(s -> cmd.add(s.toString()));
        Run gcc = run(cmd, Map.of(), null);
        assertThat(gcc.rc()).as(gcc.err()).isZero();
        Run plain = run(List.of(orig.toString()), env, null);
        assertThat(plain.rc()).as(plain.err()).isZero();
        return plain;
    }

    private Path checkpointDir(String name) throws Exception {
        Path ck = MigrationHops.checkpointDir(work.resolve(name));
        return ck;
    }

    private static List<String> refusals(String err) {
        return err.lines().filter(l -> l.contains("cannot checkpoint: descriptor")).toList();
    }
}
