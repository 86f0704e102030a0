package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.CompileResult;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NetworkOrderIntegersTest {
    @TempDir
    Path dir;

    private static String program(String statement) {
        return program("", statement);
    }

    /** The program with {@code functions} defined on line 10 (after {@code port}): STATEMENT stays on line 16. */
    private static String program(String functions, String statement) {
        return """
                #include <stdio.h>
                #include <stdint.h>
                #include <string.h>
                #include <arpa/inet.h>
                #include <netinet/in.h>
                struct config { uint16_t port; uint32_t addr; int verbose; };
                static struct config cfg;
                static uint16_t kept;
                static int port = 8080; FUNCTIONS
                int main(int argc, char **argv) {
                  struct sockaddr_in sa;
                  memset(&sa, 0, sizeof sa);
                  sa.sin_port = htons(port);
                  sa.sin_addr.s_addr = htonl(INADDR_ANY);
                  uint16_t host = ntohs(sa.sin_port);
                  STATEMENT;
                  for (int i = 0; i < argc; i++) printf("%s %u %u %u %u\\n", argv[i], host, ntohs(sa.sin_port), cfg.verbose, kept != 0);
                  return 0;
                }
                """.replace("FUNCTIONS", functions).replace("STATEMENT", statement);
    }

    /**
     * Each statement keeps a number in network byte order in an integer of the program's: the build's checkpoints get
     * a fingerprint of their own on big-endian ISAs, and the warning (at the statement's line, 16) names it.
     */
    static Stream<Arguments> bound() {
        return Stream.of(
                Arguments.of("kept = htons(8080)", "'kept' is given htons(...)"),
                Arguments.of("cfg.addr = inet_addr(\"10.1.2.3\")", "'cfg.addr' is given inet_addr(...)"),
                Arguments.of("cfg.port = (uint16_t)(argc > 1 ? htons(1) : 0)", "'cfg.port' is given htons(...)"),
                Arguments.of("uint32_t mask = htonl(0xffffff00u) & sa.sin_addr.s_addr; kept = mask != 0", "'mask' is initialised with htonl(...)"),
                Arguments.of("cfg.port = sa.sin_port", "'cfg.port' is given 'sockaddr_in.sin_port'"),
                Arguments.of("sa.sin_port = cfg.port", "'cfg.port' is stored into 'sockaddr_in.sin_port'"),
                Arguments.of("host = ntohs(kept)", "'kept' is given to ntohs"),
                Arguments.of("struct config c = { htons(80), 0, 1 }; cfg = c", "an initialiser's member 'port' is given htons(...)"),
                Arguments.of("struct sockaddr_in s2 = { AF_INET, cfg.port }; kept = s2.sin_family", "'cfg.port' initialises 'sin_port'"),
                Arguments.of("uint16_t ports[2] = { htons(80), htons(443) }; kept = ports[1]", "an initialiser's element is given htons(...)"),
                Arguments.of("inet_pton(AF_INET, \"10.1.2.3\", &cfg.addr)", "inet_pton writes an address into '&cfg.addr'"));
    }

    @ParameterizedTest
    @MethodSource("bound")
    void aNumberInNetworkByteOrderKeptByTheProgramBindsTheByteOrder(String statement, String named) throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", program(statement)).compile();
        String table = Files.readString(r.programTable());
        assertThat(table).as(statement).contains("#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__")
                .contains("\"" + r.fingerprint() + "-be\"").doesNotContain("-32\"")
                .contains("the program keeps numbers in network byte order in its own integers")
                .contains(named.replace("\"", "\\\""));
        assertThat(r.diagnostics()).as(statement).anySatisfy(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.line()).isEqualTo(16);
            assertThat(d.message()).contains("does not move between big-endian (s390x) and little-endian ISAs").contains(named);
        });
    }

    private static final String NPORT = "static uint16_t nport(int p) { return htons((uint16_t)p); }";

    /**
     * Through the program's functions: a value returned by one that returns a network-order value (or another such
     * function's value) is one too, and a parameter given one holds it.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {
            NPORT + "|kept = nport(port)|'kept' is given nport(...), which returns htons(...)",
            NPORT + " static uint16_t via(int p) { return p > 0 ? nport(p) : 0; }|cfg.port = via(port)"
                    + "|'cfg.port' is given via(...), which returns nport(...)'s value",
            "static uint32_t naddr(void) { return inet_addr(\"10.0.0.1\"); }|uint32_t a = naddr(); cfg.addr = a"
                    + "|'a' is given naddr(...), which returns inet_addr(...)",
            "static void use(uint16_t p) { kept = p; }|use(htons(80))|parameter 1 of use() is given htons(...)",
            NPORT + " static void use(uint16_t p) { kept = p; }|use(nport(80))"
                    + "|parameter 1 of use() is given nport(...), which returns htons(...)",
    })
    void aNetworkOrderValueThroughTheProgramsFunctionsBindsTheByteOrder(String functions, String statement, String named)
            throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", program(functions, statement)).compile();
        assertThat(Files.readString(r.programTable())).as(statement).contains("\"" + r.fingerprint() + "-be\"");
        assertThat(r.diagnostics()).as(statement).anySatisfy(d -> {
            assertThat(d.line()).isEqualTo(16);
            assertThat(d.message()).contains("does not move between big-endian (s390x) and little-endian ISAs").contains(named);
        });
    }

    /** A function of another translation unit returning a network-order value (resolved once every unit is scanned). */
    @Test
    void aFunctionOfAnotherUnitReturningNetworkOrderIsSeen() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", program("uint16_t nport_b(int p);", "kept = nport_b(port)"))
                .file("b.c", "#include <stdint.h>\n#include <arpa/inet.h>\nuint16_t nport_b(int p) { return htons((uint16_t)p); }\n")
                .compile();
        assertThat(r.diagnostics()).anySatisfy(d -> assertThat(d.message())
                .contains("'kept' is given nport_b(...), which returns htons(...)"));
    }

    /** The program's functions that keep host order (or convert where the C library's members are) bind nothing. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {
            "static int twice(int p) { return p * 2; }|kept = (uint16_t)twice(port)",
            "static uint16_t hport(const struct sockaddr_in *s) { return ntohs(s->sin_port); }|kept = hport(&sa)",
            "static void setp(struct sockaddr_in *s, int p) { s->sin_port = htons((uint16_t)p); }|setp(&sa, port)",
            NPORT + "|sa.sin_port = nport(port)",
    })
    void theProgramsFunctionsKeepingHostOrderBindNothing(String functions, String statement) throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", program(functions, statement)).compile();
        assertThat(Files.readString(r.programTable())).as(statement).doesNotContain("-be\"");
        assertThat(r.diagnostics()).as(statement).noneSatisfy(d -> assertThat(d.message()).contains("big-endian"));
    }

    /**
     * The common way (ports and addresses converted where they enter and leave the C library's socket address structs,
     * host order in the program's integers) binds nothing: those members are carried as bytes.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "kept = 1",
            "kept = ntohs(sa.sin_port)",
            "cfg.addr = ntohl(sa.sin_addr.s_addr)",
            "sa.sin_port = htons(cfg.port)",
            "struct sockaddr_in s2 = { AF_INET, htons(80) }; kept = ntohs(s2.sin_port)",
            "struct sockaddr_in s2; s2.sin_addr = sa.sin_addr; kept = s2.sin_family",
            "unsigned char b = (unsigned char)htons(1); kept = b",
    })
    void hostOrderInTheProgramAndNetworkOrderInTheLibrarysStructsBindNothing(String statement) throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", program(statement)).compile();
        String table = Files.readString(r.programTable());
        assertThat(table).as(statement).doesNotContain("-be\"").doesNotContain("network byte order");
        assertThat(r.binding()).as(statement).isEmpty();
        assertThat(r.diagnostics()).as(statement).noneSatisfy(d -> assertThat(d.message()).contains("big-endian"));
    }
}
