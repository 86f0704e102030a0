package dev.talent.cli.fleet;

import dev.talent.fleet.FleetConfig;
import dev.talent.fleet.FleetException;
import java.nio.file.Path;
import java.util.Map;

/** Where a fleet command finds the fleet: {@code --fleet FILE}, else {@code TALENT_FLEET}. */
final class FleetFile {
    private FleetFile() {}

    static FleetConfig resolve(Path option, Map<String, String> env) throws FleetException {
        if (option != null) return FleetConfig.read(option);
        String fromEnv = env.get("TALENT_FLEET");
        if (fromEnv == null || fromEnv.isBlank())
            throw new FleetException("which fleet? give --fleet FILE or set TALENT_FLEET (`talent lab up` prints the line to run)");
        return FleetConfig.read(Path.of(fromEnv));
    }
}
