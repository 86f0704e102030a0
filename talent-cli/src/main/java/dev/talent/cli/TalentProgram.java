package dev.talent.cli;

import dev.talent.format.SafeText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Tells whether a process is a talent program before {@code talent checkpoint} signals it: SIGUSR1 and SIGUSR2
 * end any program that does not catch them, so a wrong PID must be refused, not killed.
 *
 * <p>Judged only from what the kernel reports about the process, never from what the process says about itself
 * (its command line and environment are its own to rewrite, and a talent program's children inherit its
 * {@code TALENT_*} variables): the process must be owned by the caller (unless the caller is root), must catch
 * both signals (/proc/PID/status, SigCgt: a talent program before its runtime installed the handlers would die
 * of them too), and its executable must contain the runtime's marker ({@code tl_program_marker} in
 * talent-runtime's signals.c). Under qemu-user the executable is the emulator: then the guest binary is the one
 * the kernel shows mapped into the process (/proc/PID/maps).
 */
final class TalentProgram {
    /** The bytes the runtime links into every talent program (talent-runtime/src/main/c/signals.c). */
    static final byte[] MARKER = "talent-program: SIGUSR1/SIGUSR2 request a checkpoint".getBytes(StandardCharsets.US_ASCII);
    /** Files larger than this are not read to the end looking for the marker. */
    static final long MAX_SCAN_BYTES = 512L << 20;
    private static final int SIGUSR1 = 10;
    private static final int SIGUSR2 = 12;
    private static final byte[] ELF = {0x7f, 'E', 'L', 'F'};

    /** What the check found. */
    sealed interface Verdict {
        record Talent() implements Verdict {}
        record Gone() implements Verdict {}
        /** Another user's process (the caller is not root). */
        record OtherUser(long ownerUid) implements Verdict {}
        /** Not a talent program (or not one yet); {@code why} says what was missing. */
        record NotTalent(String why) implements Verdict {}
    }

    private final Path proc;

    TalentProgram(Path proc) {
        this.proc = proc;
    }

    static TalentProgram ofHost() {
        return new TalentProgram(Path.of("/proc"));
    }

    /** The verdict on process {@code pid}, for a caller whose real uid is {@code callerUid}. */
    Verdict examine(long pid, long callerUid) throws IOException {
        Path dir = proc.resolve(Long.toString(pid));
        List<String> status;
        try {
            status = Files.readAllLines(dir.resolve("status"), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return new Verdict.Gone();
        }
        long[] uids = numbers(field(status, "Uid:"));
        if (uids.length == 0) return new Verdict.NotTalent("the kernel reports no owner for it");
        // kill(2) lets a user signal a process whose real or saved uid is theirs; talent asks for the real one.
        if (callerUid != 0 && uids[0] != callerUid) return new Verdict.OtherUser(uids[0]);
        String sigCgt = field(status, "SigCgt:").strip();
        long caught = sigCgt.isEmpty() ? 0 : Long.parseUnsignedLong(sigCgt, 16);
        boolean catchesBoth = (caught & (1L << (SIGUSR1 - 1))) != 0 && (caught & (1L << (SIGUSR2 - 1))) != 0;

        Path exe;
        try {
            exe = Files.readSymbolicLink(dir.resolve("exe"));
        } catch (NoSuchFileException e) {
            return new Verdict.Gone();
        } catch (IOException e) {
            return new Verdict.NotTalent("its executable cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        boolean talent = carriesMarker(dir.resolve("exe"));
        List<Path> guests = List.of();
        if (!talent && isQemu(exe)) {
            guests = guestFiles(dir, exe);
            for (Path mapped : guests) {
                if (carriesMarker(mapped)) {
                    talent = true;
                    break;
                }
            }
        }
        if (!talent) {
            String shown = SafeText.escape(exe.toString());
            return new Verdict.NotTalent(isQemu(exe)
                    ? "it runs under " + shown + ", and no file it has mapped is a program built by talent"
                            + (guests.isEmpty() ? "" : " (" + SafeText.escape(guests.toString()) + ")")
                    : "its executable " + shown + " is not a program built by talent");
        }
        if (!catchesBoth) {
            return new Verdict.NotTalent("it does not handle SIGUSR1/SIGUSR2 (yet): a talent program that is still starting "
                    + "would end of the signal");
        }
        return new Verdict.Talent();
    }

    /** The caller's real uid, as the kernel reports it. */
    long callerUid() throws IOException {
        long[] uids = numbers(field(Files.readAllLines(proc.resolve("self/status"), StandardCharsets.ISO_8859_1), "Uid:"));
        if (uids.length == 0) throw new IOException("no Uid line in " + proc.resolve("self/status"));
        return uids[0];
    }

    private static boolean isQemu(Path exe) {
        Path name = exe.getFileName();
        return name != null && name.toString().startsWith("qemu-");
    }

    /** Regular files mapped into the process other than its executable (under qemu-user: the guest program). */
    private static List<Path> guestFiles(Path dir, Path exe) throws IOException {
        Set<Path> files = new LinkedHashSet<>();
        List<String> maps;
        try {
            maps = Files.readAllLines(dir.resolve("maps"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return List.of();
        }
        for (String line : maps) {
            // address perms offset dev inode pathname: the path is the sixth field and may contain spaces.
            String[] parts = line.strip().split("\\s+", 6);
            if (parts.length < 6 || parts[4].equals("0") || !parts[5].startsWith("/") || parts[5].endsWith(" (deleted)")) continue;
            Path p = Path.of(parts[5]);
            if (!p.equals(exe)) files.add(p);
        }
        return new ArrayList<>(files);
    }

    /** Whether the file is an ELF file holding {@link #MARKER} (read at most {@link #MAX_SCAN_BYTES}). */
    static boolean carriesMarker(Path file) {
        // Only a regular file is opened: a FIFO or device named by a mapping must not block or feed the scan.
        if (!Files.isRegularFile(file)) return false;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            int kept = 0;
            long total = 0;
            boolean first = true;
            while (total < MAX_SCAN_BYTES) {
                int n = in.read(buffer, kept, buffer.length - kept);
                if (n < 0) return false;
                total += n;
                int length = kept + n;
                if (first) {
                    if (length < ELF.length) {
                        kept = length;
                        continue;
                    }
                    for (int i = 0; i < ELF.length; i++) if (buffer[i] != ELF[i]) return false;
                    first = false;
                }
                if (indexOf(buffer, length, MARKER) >= 0) return true;
                // keep the last MARKER.length - 1 bytes: the marker may straddle two reads
                kept = Math.min(length, MARKER.length - 1);
                System.arraycopy(buffer, length - kept, buffer, 0, kept);
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    static int indexOf(byte[] haystack, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            if (haystack[i] != needle[0]) continue;
            for (int j = 1; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static String field(List<String> status, String name) {
        for (String line : status) if (line.startsWith(name)) return line.substring(name.length());
        return "";
    }

    private static long[] numbers(String text) {
        String t = text.strip();
        if (t.isEmpty()) return new long[0];
        return java.util.Arrays.stream(t.split("\\s+")).mapToLong(Long::parseLong).toArray();
    }
}
