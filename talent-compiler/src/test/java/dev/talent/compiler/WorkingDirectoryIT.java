package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointDirectory;
import dev.talent.format.CheckpointReader;
import dev.talent.format.CheckpointWriter;
import dev.talent.format.GlobalVar;
import dev.talent.format.Value;
import java.nio.charset.StandardCharsets;
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
 * The working directory the program changed into is carried (the global {@code <libc>:cwd}, cwd.c). Found with cksfv
 * ({@code cksfv -C DIR -f list.sfv}, which changes into DIR and opens each file by its relative name): stopped after
 * 1000 or more visits and restarted on any ISA, the same one too, every later file was "No such file or directory"
 * and it exited 1 instead of printing the checksums; then such checkpoints were refused. Now a directory under the
 * starting one is carried relative to it (the destination's starting directory may lie elsewhere), any other as an
 * absolute path; one the destination does not have ends the restore with exit 65, naming it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WorkingDirectoryIT {
    @TempDir
    Path work;

    /** chdir("/tmp"), then files written and read there by relative names, around the stops. */
    static final String TMP = """
            #include <stdio.h>
            #include <unistd.h>
            int main(void) {
              char name[64];
              unsigned h = 0;
              long sum = 0, v;
              snprintf(name, sizeof name, "talent-cwd-it-%ld.txt", (long)getpid());
              if (chdir("/tmp") != 0) return 2;
              FILE *f = fopen(name, "w");
              if (!f) return 3;
              for (int i = 0; i < 200; i++) fprintf(f, "%d\\n", i * 7);
              fclose(f);
              for (int i = 0; i < 2000; i++) h = h * 31 + (unsigned)i;
              f = fopen(name, "r");
              if (!f) { printf("cannot reopen %s\\n", name); return 1; }
              while (fscanf(f, "%ld", &v) == 1) sum += v;
              fclose(f);
              remove(name);
              printf("h %u sum %ld\\n", h, sum);
              return 0;
            }
            """;

    @Test
    void aDirectoryOutsideTheStartingOneIsCarriedAcrossIsas() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "chdir", TMP, 3, 5, 900, 1500);
        assertThat(out).startsWith("h ").contains("sum 139300");
    }

    @Test
    void aCheckpointAfterReturningToTheStartingDirectoryMigrates() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "back", """
                #include <stdio.h>
                #include <fcntl.h>
                #include <unistd.h>
                int main(void) {
                  unsigned h = 0;
                  int here = open(".", O_RDONLY);
                  if (here < 0 || chdir("/") != 0) return 2;
                  h = (unsigned)access("tmp", F_OK) + 5u;
                  if (fchdir(here) != 0) return 3;
                  close(here);
                  for (int i = 0; i < 2000; i++) h = h * 31 + (unsigned)i;
                  printf("h %u\\n", h);
                  return 0;
                }
                """, 3, 5, 900);
        assertThat(out).startsWith("h ");
    }

    /**
     * After chdir("data"): reads in.txt (300 visits, the file open), computes (900 visits, no file open), then writes
     * and reads back out.txt by its relative name.
     */
    static final String DATA = """
            #include <stdio.h>
            #include <unistd.h>
            int main(void) {
              long v[300], sum = 0;
              unsigned h = 7;
              int n = 0;
              if (chdir("data") != 0) { printf("no data directory\\n"); return 2; }
              FILE *f = fopen("in.txt", "r");
              if (!f) { printf("cannot open in.txt\\n"); return 1; }
              while (n < 300 && fscanf(f, "%ld", &v[n]) == 1) n++;
              fclose(f);
              for (int round = 0; round < 3; round++)
                for (int i = 0; i < n; i++) { sum += v[i] * (round + 1); h = h * 33 + (unsigned)v[i]; }
              f = fopen("out.txt", "w");
              if (!f) { printf("cannot write out.txt\\n"); return 1; }
              fprintf(f, "%ld %u\\n", sum, h);
              fclose(f);
              f = fopen("out.txt", "r");
              if (!f || fscanf(f, "%ld %u", &sum, &h) != 2) { printf("cannot read out.txt back\\n"); return 1; }
              fclose(f);
              printf("sum %ld h %u\\n", sum, h);
              return 0;
            }
            """;

    private Path startingDirectory(String name) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name).resolve("data"));
        StringBuilder numbers = new StringBuilder();
        for (int i = 0; i < 300; i++) numbers.append(i * 3 + 1).append('\n');
        Files.writeString(dir.resolve("in.txt"), numbers);
        return dir.getParent();
    }

    private Path checkpoints() throws Exception {
        Path ck = checkpointDir(work.resolve("ck"));
        return ck;
    }

    /**
     * Stopped in {@code a/data} while it computes (no file open) and restarted on s390x in {@code b} after {@code a}
     * was removed: the restored program writes and reads {@code b/data/out.txt} (a directory under the starting one is
     * carried relative to it) and ends as plain gcc's run.
     */
    @Test
    void aDirectoryUnderTheStartingOneFollowsTheStartingDirectory() throws Exception {
        MigratesLikeGcc.plainGcc(work, "data", DATA);
        CompileResult r = MigratesLikeGcc.compiled(work, "data");
        Target x86 = HOPS.getFirst();
        Target s390x = HOPS.stream().filter(t -> t.name().equals("s390x")).findFirst().orElseThrow();
        Path exe = link(x86, r, work.resolve("data.x86_64"));
        Path foreign = link(s390x, r, work.resolve("data.s390x"));
        Path a = startingDirectory("a");
        Path b = startingDirectory("b");
        Run plain = run(List.of(work.resolve("data.orig").toString()), Map.of(), a);
        Run straight = run(command(x86, exe), Map.of(), a);
        assertThat(straight.out()).as(straight.err()).isEqualTo(plain.out());
        assertThat(plain.out()).startsWith("sum ");
        Path ck = checkpoints();
        Run first = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "700"), a);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        dev.talent.base.FileTrees.deleteRecursively(a);
        Run second = run(command(s390x, foreign), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), b);
        assertThat(first.out() + second.out()).as(second.err()).isEqualTo(plain.out());
        assertThat(second.rc()).as(second.err()).isEqualTo(plain.rc());
    }

    /** The same stop restarted where the directory is missing: exit 65 naming it, the program never resumed elsewhere. */
    @Test
    void aDirectoryTheDestinationLacksEndsTheRestore() throws Exception {
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(
                List.of(Files.writeString(work.resolve("data.c"), DATA)), List.of(), work.resolve("out"), "data"));
        Target x86 = HOPS.getFirst();
        Path exe = link(x86, r, work.resolve("data.x86_64"));
        Path a = startingDirectory("a");
        Path empty = Files.createDirectories(work.resolve("empty"));
        Path ck = checkpoints();
        Run first = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "700"), a);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Run second = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), empty);
        // refused at the restore (exit 65 without an older checkpoint to fall back to: 66, none usable)
        assertThat(second.rc()).as(second.err()).isEqualTo(66);
        assertThat(second.err()).contains("the working directory '" + empty.resolve("data") + "', which cannot be entered here");
        assertThat(second.out()).isEmpty();

        // a forged relative directory with a '..' component is refused when the file is loaded, before any of it is
        // used (a hostile file)
        Path newest = CheckpointDirectory.list(ck).getFirst().file();
        Checkpoint c = CheckpointReader.read(Files.readAllBytes(newest), newest.getFileName().toString());
        List<GlobalVar> globals = new ArrayList<>();
        boolean found = false;
        for (GlobalVar g : c.globals()) {
            if (g.key().equals("<libc>:cwd")) {
                found = true;
                Value.StructValue s = (Value.StructValue) g.value();
                Value.ArrayValue path = (Value.ArrayValue) s.fields().get(1);
                List<Value> chars = new ArrayList<>();
                byte[] forged = "data/../../..".getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < path.elements().size(); i++) chars.add(Value.IntValue.of(i < forged.length ? forged[i] : 0));
                g = new GlobalVar(g.key(), g.name(), g.declPos(), g.type(), new Value.StructValue(List.of(Value.IntValue.of(1),
                        new Value.ArrayValue(chars))));
            }
            globals.add(g);
        }
        assertThat(found).as("the stop carries <libc>:cwd").isTrue();
        Files.write(newest, CheckpointWriter.write(new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(),
                c.heap(), c.files(), c.pendingWait())));
        Files.createDirectories(empty.resolve("data"));
        Run forged = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), empty);
        assertThat(forged.rc()).as(forged.err()).isEqualTo(66);
        assertThat(forged.out()).isEmpty();
        assertThat(forged.err()).contains("global <libc>:cwd: a relative path that starts or ends with '/' or has an "
                + "empty, '.' or '..' component");
    }

    /**
     * Started in {@code /}, where every directory lies under the start: {@code /tmp} stays absolute, so the restart,
     * started in another directory, goes back to {@code /tmp} (relative, it looked for {@code tmp} under its own start
     * and the restore failed).
     */
    @Test
    void aProcessStartedInTheRootKeepsItsDirectoryAbsolute() throws Exception {
        MigratesLikeGcc.plainGcc(work, "root", TMP);
        CompileResult r = MigratesLikeGcc.compiled(work, "root");
        Target x86 = HOPS.getFirst();
        Path exe = link(x86, r, work.resolve("root.x86_64"));
        Run plain = run(List.of(work.resolve("root.orig").toString()), Map.of(), Path.of("/"));
        Path ck = checkpoints();
        Run first = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "900"),
                Path.of("/"));
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Run second = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"),
                Files.createDirectories(work.resolve("elsewhere")));
        assertThat(first.out() + second.out()).as(second.err()).isEqualTo(plain.out());
        assertThat(second.rc()).as(second.err()).isZero();
    }

    /** A directory removed while the program is in it cannot be read back: refused, the program goes on. */
    @Test
    void aRemovedWorkingDirectoryIsRefusedAndTheProgramGoesOn() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(work, "gone", """
                #include <stdio.h>
                #include <stdlib.h>
                #include <unistd.h>
                int main(void) {
                  char dir[] = "/tmp/talent-cwd-gone-XXXXXX";
                  unsigned h = 0;
                  if (!mkdtemp(dir) || chdir(dir) != 0 || rmdir(dir) != 0) return 2;
                  for (int i = 0; i < 2000; i++) h = h * 31 + (unsigned)i;
                  printf("h %u\\n", h);
                  return 0;
                }
                """, 900);
        assertThat(stopped.err()).contains("the program's working directory cannot be read");
    }
}
