package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.format.TypeDesc.SInt;
import dev.talent.format.TypeDesc.UInt;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The global {@code <libc>:cwd} (the runtime's cwd.c: the working directory the program changed into) is validated by
 * the Java reader as the runtime's load check and restore validate it: a flag 0 or 1, a NUL-terminated path of 4096
 * chars, an absolute one starting with {@code /}, a relative one without a leading or trailing {@code /} or an empty,
 * {@code .} or {@code ..} component. The shared corpus (ForgedCorpus) holds such files for both readers.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class WorkingDirectoryGlobalTest {

    static Checkpoint withCwd(long relative, long[] path, int length, TypeDesc flag, TypeDesc element) {
        return LibcStateCorpus.withCwd(Fixtures.full(), relative, path, length, flag, element);
    }

    static long[] chars(String s) {
        return LibcStateCorpus.chars(s);
    }

    private static byte[] file(long relative, String path) {
        return CheckpointWriter.write(withCwd(relative, chars(path), RuntimeContract.CWD_MAX,
                new UInt("uint32_t", 4, 32), new SInt("char", 1, 8)));
    }

    private static void refused(byte[] bytes, String message) {
        assertThatThrownBy(() -> CheckpointReader.read(bytes, "t.tck")).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("global <libc>:cwd").hasMessageContaining(message);
    }

    @Test
    void aRelativeDirectoryIsReadAndForgedRelativeOnesRefused() throws CorruptCheckpointException {
        Checkpoint c = CheckpointReader.read(file(1, "data/sub dir/x.y"), "t.tck");
        assertThat(c.globals().getLast().key()).isEqualTo("<libc>:cwd");
        CheckpointReader.read(file(1, "a"), "t.tck");
        CheckpointReader.read(file(1, "..a/b..c/.d/ü"), "t.tck");    // names that only begin with dots, non-ASCII bytes
        for (String forged : List.of("..", "a/..", "../etc", "a/../b", ".", "./a", "a/./b", "a//b")) {
            refused(file(1, forged), "component");
        }
        for (String forged : List.of("/srv", "a/", "/")) refused(file(1, forged), "starts or ends with '/'");
        refused(file(1, ""), "path is empty");
    }

    @Test
    void anAbsoluteDirectoryIsReadAndForgedOnesRefused() throws CorruptCheckpointException {
        CheckpointReader.read(file(0, "/srv/app/../data"), "t.tck");   // an absolute path is taken as it is
        CheckpointReader.read(file(0, "/"), "t.tck");
        refused(file(0, "srv/app"), "does not start with '/'");
        refused(file(0, ""), "path is empty");
        refused(file(2, "/srv"), "relative is not an integer 0 or 1");
        refused(CheckpointWriter.write(withCwd(-1, chars("/srv"), RuntimeContract.CWD_MAX, new SInt("int", 4, 32),
                new SInt("char", 1, 8))), "relative is not an integer 0 or 1");
    }

    @Test
    void anUnterminatedPathOrACharOutOfRangeIsRefused() throws CorruptCheckpointException {
        refused(file(0, "/" + "a".repeat(RuntimeContract.CWD_MAX - 1)), "not NUL-terminated");
        CheckpointReader.read(file(0, "/" + "a".repeat(RuntimeContract.CWD_MAX - 2)), "t.tck");
        // elements of another integer type are taken when they fit the runtime's (signed) char, as its decoder does
        TypeDesc u32 = new UInt("uint32_t", 4, 32);
        CheckpointReader.read(CheckpointWriter.write(withCwd(0, chars("/srv"), RuntimeContract.CWD_MAX, u32,
                new UInt("unsigned char", 1, 8))), "t.tck");
        refused(CheckpointWriter.write(withCwd(0, new long[] {'/', 200}, RuntimeContract.CWD_MAX, u32,
                new UInt("unsigned char", 1, 8))), "not a char");
        refused(CheckpointWriter.write(withCwd(0, new long[] {'/', 'a' + 256}, RuntimeContract.CWD_MAX, u32,
                new SInt("int", 4, 32))), "not a char");
    }

    @Test
    void aGlobalOfAnotherShapeIsRefused() throws CorruptCheckpointException {
        TypeDesc u32 = new UInt("uint32_t", 4, 32);
        TypeDesc schar = new SInt("char", 1, 8);
        // a flag of another integer type that holds the value is read, as the runtime's decoder reads it
        CheckpointReader.read(CheckpointWriter.write(withCwd(1, chars("a"), RuntimeContract.CWD_MAX,
                new SInt("long", 8, 64), schar)), "t.tck");
        refused(CheckpointWriter.write(withCwd(0, chars("/srv"), RuntimeContract.CWD_MAX - 1, u32, schar)),
                "path is not an array of 4096 chars");
        refused(CheckpointWriter.write(withCwd(0, chars("/srv"), RuntimeContract.CWD_MAX + 1, u32, schar)),
                "path is not an array of 4096 chars");
        Checkpoint c = withCwd(0, chars("/srv"), RuntimeContract.CWD_MAX, u32, schar);
        List<GlobalVar> globals = new ArrayList<>(c.globals());
        GlobalVar g = globals.getLast();
        globals.set(globals.size() - 1, new GlobalVar(g.key(), g.name(), g.declPos(), g.type() - 3, Fixtures.i(0)));
        byte[] scalar = CheckpointWriter.write(new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(),
                c.heap(), c.files(), c.pendingWait()));
        refused(scalar, "is not a struct of a flag and a path");
    }
}
