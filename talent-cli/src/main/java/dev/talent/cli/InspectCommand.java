package dev.talent.cli;

import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointDirectory;
import dev.talent.format.CheckpointReader;
import dev.talent.format.CorruptCheckpointException;
import dev.talent.format.InspectRenderer;
import dev.talent.format.SafeText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Print a checkpoint: header, frames with their variables, heap blocks.")
public final class InspectCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Parameters(paramLabel = "FILE", description = "A checkpoint file (ckpt-NNNNNN.tck) or a checkpoint directory (its newest).")
    Path file;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Path target = file;
        if (!Files.exists(file)) {
            err.println("talent inspect: " + SafeText.escape(file.toString()) + ": no such file or directory");
            return ExitCodes.UNAVAILABLE;
        }
        if (Files.isDirectory(file)) {
            if (!Files.isReadable(file) || !Files.isExecutable(file)) {
                err.println("talent inspect: " + SafeText.escape(file.toString()) + ": cannot list the directory (permission denied)");
                return ExitCodes.NO_PERMISSION;
            }
            var newest = CheckpointDirectory.list(file).stream().findFirst().map(CheckpointDirectory.Entry::file);
            if (newest.isEmpty()) {
                err.println("talent inspect: no checkpoint (ckpt-*.tck) in " + SafeText.escape(file.toString()));
                return ExitCodes.FAILURE;
            }
            target = newest.get();
            // A file the program put in its directory: never a link to follow (it could name any file on the host).
            if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                err.println("talent inspect: " + SafeText.escape(target.toString()) + ": not a regular file (a link or special file)");
                return ExitCodes.FAILURE;
            }
        } else if (!Files.isRegularFile(file)) {
            // A FIFO or device would block or never end.
            err.println("talent inspect: " + SafeText.escape(file.toString()) + ": not a regular file");
            return ExitCodes.FAILURE;
        }
        if (!Files.isReadable(target)) {
            err.println("talent inspect: " + SafeText.escape(target.toString()) + ": cannot read it (permission denied)");
            return ExitCodes.NO_PERMISSION;
        }
        Checkpoint checkpoint;
        try {
            checkpoint = CheckpointReader.read(target);
        } catch (CorruptCheckpointException e) {
            // The reader quotes what it found in the file: escaped, as everything that came from a checkpoint.
            err.println("talent inspect: " + SafeText.escape(e.getMessage()));
            return ExitCodes.FAILURE;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            // Streamed: a checkpoint of any size is written in bounded memory.
            InspectRenderer.writeJson(checkpoint, out);
        } else {
            out.print(InspectRenderer.text(checkpoint));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
