package dev.talent.cli;

import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointDirectory;
import dev.talent.format.CheckpointReader;
import dev.talent.format.CorruptCheckpointException;
import dev.talent.format.InspectRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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
        if (Files.isDirectory(file)) {
            var newest = CheckpointDirectory.list(file).stream().findFirst().map(CheckpointDirectory.Entry::file);
            if (newest.isEmpty()) {
                err.println("talent inspect: no checkpoint (ckpt-*.tck) in " + file);
                return ExitCodes.FAILURE;
            }
            target = newest.get();
        } else if (!Files.isRegularFile(file)) {
            err.println("talent inspect: no such file: " + file);
            return ExitCodes.FAILURE;
        }
        Checkpoint checkpoint;
        try {
            checkpoint = CheckpointReader.read(target);
        } catch (CorruptCheckpointException e) {
            err.println("talent inspect: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? InspectRenderer.json(checkpoint) : InspectRenderer.text(checkpoint));
        out.flush();
        return ExitCodes.OK;
    }
}
