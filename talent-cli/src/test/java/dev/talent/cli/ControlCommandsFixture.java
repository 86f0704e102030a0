package dev.talent.cli;

import dev.talent.migrate.control.ControlClient;
import dev.talent.migrate.control.ControlHandler;
import dev.talent.migrate.control.ControlPaths;
import dev.talent.migrate.control.ControlRequestException;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.migrate.control.StatusReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine;

/**
 * Runs talent migrate/status against real control sockets in a test's directory. The app behind a socket is
 * {@link App}: it answers with given records (it stands in for the orchestrator, which is not under test here).
 */
final class ControlCommandsFixture {
    private final ControlPaths paths;

    ControlCommandsFixture(Path directory) {
        this.paths = ControlPaths.at(directory);
    }

    ControlPaths paths() {
        return paths;
    }

    record Result(int status, String out, String err) {}

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        ControlClient client = new ControlClient(paths);
        ((MigrateCommand) cli.getSubcommands().get("migrate").getCommandSpec().userObject()).client = client;
        ((StatusCommand) cli.getSubcommands().get("status").getCommandSpec().userObject()).client = client;
        int status = cli.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    static final class App implements ControlHandler {
        final StatusReport status;
        final MigrationRecord record;
        final List<String> requests = new CopyOnWriteArrayList<>();

        App(StatusReport status, MigrationRecord record) {
            this.status = status;
            this.record = record;
        }

        @Override
        public StatusReport status() {
            return status;
        }

        @Override
        public Optional<MigrationRecord> migrate(Optional<String> to, boolean wait) throws ControlRequestException {
            requests.add(to.orElse("any") + (wait ? " wait" : " queue"));
            if (to.isPresent() && to.get().equals("riscv64")) {
                throw new ControlRequestException("riscv64 is not one of this run's platforms: x86_64, s390x");
            }
            return wait ? Optional.of(record) : Optional.empty();
        }
    }
}
