package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PragmaScannerTest {
    @Test
    void findsPragmasOutsideComments() {
        String text = """
                int f(void) {
                  #pragma talent checkpoint
                  /*
                  #pragma talent checkpoint
                  */
                #  pragma   talent nocheckpoint
                  #pragma talent sometimes
                  #pragma omp parallel
                }
                """;
        PragmaScanner.Result r = PragmaScanner.scan(text);
        assertThat(r.pragmas()).extracting(Pragma::kind, Pragma::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Pragma.Kind.CHECKPOINT, 2),
                        org.assertj.core.groups.Tuple.tuple(Pragma.Kind.NOCHECKPOINT, 6));
        assertThat(r.unknown()).extracting(PragmaScanner.BadPragma::word).containsExactly("sometimes");
        Pragma first = r.pragmas().getFirst();
        assertThat(text.substring(first.start(), first.end())).isEqualTo("#pragma talent checkpoint");
    }
}
