package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The enums written to a checkpoint carry their file code explicitly (never their declaration order): each code is
 * distinct, reads back to its constant, and is the number docs/FORMAT.md gives it. That the codes equal the C
 * runtime's is talent-runtime's RuntimeContractHeaderTest (the enums take them from {@link RuntimeContract}).
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class WireCodesTest {

    private static final Path FORMAT = Path.of("../docs/FORMAT.md");

    private static <E extends Enum<E> & FileCode> void roundTrips(Class<E> type) {
        E[] values = type.getEnumConstants();
        assertThat(Arrays.stream(values).mapToInt(FileCode::code).distinct().count()).isEqualTo(values.length);
        for (E e : values) assertThat(FileCode.of(type, e.code())).isSameAs(e);
        assertThat(FileCode.of(type, 255)).isNull();
    }

    @Test
    void everyCodeIsDistinctAndReadsBackToItsConstant() {
        roundTrips(OpenFile.Kind.class);
        roundTrips(OpenFile.Access.class);
        roundTrips(Value.Stream.class);
        roundTrips(Value.ObjectKind.class);
    }

    @Test
    void theAccessAndStreamCodesAreTheOnesTheFormatDocumentWrites() throws IOException {
        String doc = Files.readString(FORMAT);
        String access = Arrays.stream(OpenFile.Access.values()).map(a -> a.code() + " " + a.label())
                .collect(Collectors.joining(", "));
        String streams = Arrays.stream(Value.Stream.values())
                .map(s -> s.code() + " " + s.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));

        assertThat(doc).contains("| access | u8 | " + access + " |").contains("| STD_STREAM | `u8` " + streams + " |");
    }
}
