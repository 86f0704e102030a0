package dev.talent.migrate.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/** The one mapper of the control channel and the migration log: compact, one JSON value per line. */
public final class ControlJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private ControlJson() {}

    /** {@code value} as JSON without line breaks (Jackson escapes those inside strings). */
    static String line(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // Only our records go through here; they always serialize.
            throw new UncheckedIOException(e);
        }
    }
}
