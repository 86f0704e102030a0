package dev.talent.cli.fleet;

import dev.talent.cli.ExitCodes;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.Pki;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "pki", mixinStandardHelpOptions = true,
        description = "The fleet's certificate authority: every connection in the fleet is mutual TLS 1.3 with certificates from it.",
        subcommands = {PkiCommand.Init.class, PkiCommand.Issue.class})
public final class PkiCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new ParameterException(spec.commandLine(), "missing command: init or issue");
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Make a CA in DIR (0700): ca.crt and ca.key (ECDSA P-256, 0600). Refuses to overwrite one.")
    static final class Init implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "DIR") Path dir;
        @Option(names = "--name", defaultValue = "talent fleet CA", description = "The CA's common name (default: ${DEFAULT-VALUE}).") String name;

        @Override
        public Integer call() {
            try {
                Pki.at(dir).init(name);
                spec.commandLine().getOut().println(Pki.at(dir).caCertificate());
                return ExitCodes.OK;
            } catch (FleetException e) {
                spec.commandLine().getErr().println("talent pki init: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = {"Issue DIR/NAME.crt and DIR/NAME.key (0600), signed by DIR's CA.",
                    "A host certificate (the default) is for both ends of mutual TLS (serverAuth, clientAuth) with NAME, localhost,"
                            + " 127.0.0.1 and every --ip/--dns as subject alternative names; --client makes one for clientAuth only"
                            + " (the CLI's). Refuses to overwrite.",
                    "A host also gets DIR/NAME.sign.key and DIR/NAME.sign.crt: its Ed25519 checkpoint signing key, certified by the"
                            + " CA (a host certificate issued before, without one, gets one: nothing else is written)."})
    static final class Issue implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "DIR") Path dir;
        @Parameters(index = "1", paramLabel = "NAME") String name;
        @Option(names = "--ip", paramLabel = "ADDRESS", description = "An IP address of the host (repeatable).") List<String> ips = new ArrayList<>();
        @Option(names = "--dns", paramLabel = "NAME", description = "Another DNS name of the host (repeatable).") List<String> dns = new ArrayList<>();
        @Option(names = "--client", description = "A client certificate (clientAuth only), e.g. for the CLI.") boolean client;

        @Override
        public Integer call() {
            try {
                Pki pki = Pki.at(dir);
                pki.issue(name, client ? Pki.Usage.CLIENT : Pki.Usage.HOST, ips, dns);
                spec.commandLine().getOut().println(pki.certificate(name));
                return ExitCodes.OK;
            } catch (FleetException e) {
                spec.commandLine().getErr().println("talent pki issue: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }
}
