package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
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

    @Test
    void commentsAreOneSpaceAndQuotesHideCommentStarts() {
        StringBuilder code = new StringBuilder();
        assertThat(PragmaScanner.scanComments("#if A /* why */&& \"/*\" // B", false, code)).isFalse();
        assertThat(code).hasToString("#if A  && \"/*\" ");
        code.setLength(0);
        assertThat(PragmaScanner.scanComments("x = '\\'' /* open", false, code)).isTrue();
        assertThat(code).hasToString("x = '\\''  ");
        code.setLength(0);
        assertThat(PragmaScanner.scanComments("still */ y /**/z", true, code)).isFalse();
        assertThat(code).hasToString(" y  z");
        assertThat(PragmaScanner.updateComment("a /* b */ c /* d", false)).isTrue();
        assertThat(PragmaScanner.updateComment("*/ '/*'", true)).isFalse();
    }

    @Test
    void allocTypeTakesATypeAndOnlyPragmasThatSurvivePreprocessingAreActive() {
        String text = """
                #if 0
                #pragma talent checkpoint
                #endif
                #pragma talent alloc_type( struct node * )
                #pragma talent alloc_type
                """;
        PragmaScanner.Result r = PragmaScanner.scan(text);
        assertThat(r.pragmas()).extracting(Pragma::kind, Pragma::line, Pragma::argument)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Pragma.Kind.CHECKPOINT, 2, null),
                        org.assertj.core.groups.Tuple.tuple(Pragma.Kind.ALLOC_TYPE, 4, "struct node *"));
        assertThat(r.unknown()).extracting(PragmaScanner.BadPragma::line).containsExactly(5);
        String preprocessed = """
                # 1 "dir/a.c"
                # 1 "<built-in>" 1
                #pragma talent checkpoint
                # 1 "dir/a.c" 2



                #pragma talent alloc_type( struct node * )
                #pragma talent alloc_type
                """;
        PragmaScanner.Result active = PragmaScanner.activeOnly(r, preprocessed, "dir/a.c");
        assertThat(active.pragmas()).extracting(Pragma::line).containsExactly(4);
        assertThat(active.unknown()).extracting(PragmaScanner.BadPragma::line).containsExactly(5);
    }
}
