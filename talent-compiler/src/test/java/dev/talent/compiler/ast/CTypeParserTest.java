package dev.talent.compiler.ast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CTypeParserTest {
    @Test
    void builtinsAreNormalised() {
        assertThat(CTypeParser.parse("unsigned long int")).isEqualTo(new CType.Builtin("unsigned long", false));
        assertThat(CTypeParser.parse("const int")).isEqualTo(new CType.Builtin("int", true));
        assertThat(CTypeParser.parse("long double")).isEqualTo(new CType.Builtin("long double", false));
    }

    @Test
    void boolIsATypedefNameInC() {
        // clang prints <stdbool.h>'s bool as _Bool in C; "bool" is a program's own typedef (ed: an enum, 4 bytes)
        assertThat(CTypeParser.parse("bool")).isEqualTo(new CType.Named("bool", false));
        assertThat(CTypeParser.parse("const bool *"))
                .isEqualTo(new CType.Pointer(new CType.Named("bool", true), false));
        assertThat(CTypeParser.parse("_Bool")).isEqualTo(new CType.Builtin("_Bool", false));
    }

    @Test
    void arraysNestOutsideIn() {
        CType t = CTypeParser.parse("int[10][20]");
        assertThat(t).isEqualTo(new CType.Array(new CType.Array(new CType.Builtin("int", false), "20"), "10"));
    }

    @Test
    void pointerToArrayAndArrayOfPointers() {
        assertThat(CTypeParser.parse("int (*)[10]"))
                .isEqualTo(new CType.Pointer(new CType.Array(new CType.Builtin("int", false), "10"), false));
        assertThat(CTypeParser.parse("int *[10]"))
                .isEqualTo(new CType.Array(new CType.Pointer(new CType.Builtin("int", false), false), "10"));
    }

    @Test
    void functionPointers() {
        CType t = CTypeParser.parse("int (*)(const void *, const void *)");
        assertThat(t).isInstanceOf(CType.Pointer.class);
        CType.Function fn = (CType.Function) ((CType.Pointer) t).to();
        assertThat(fn.params()).hasSize(2);
        assertThat(fn.ret()).isEqualTo(new CType.Builtin("int", false));
        CType signal = CTypeParser.parse("void (*(*)(int, void (*)(int)))(int)");
        assertThat(((CType.Function) ((CType.Pointer) signal).to()).ret()).isInstanceOf(CType.Pointer.class);
        assertThat(CTypeParser.parse("int (void)")).isEqualTo(new CType.Function(new CType.Builtin("int", false), List.of(), false));
        assertThat(((CType.Function) CTypeParser.parse("int (const char *, ...)")).variadic()).isTrue();
    }

    @Test
    void qualifiersBindToThePointerTheyFollow() {
        CType t = CTypeParser.parse("const char *const *");
        CType.Pointer outer = (CType.Pointer) t;
        assertThat(outer.isConst()).isFalse();
        CType.Pointer inner = (CType.Pointer) outer.to();
        assertThat(inner.isConst()).isTrue();
        assertThat(inner.to()).isEqualTo(new CType.Builtin("char", true));
    }

    @Test
    void taggedNamedAndAnonymousTypes() {
        assertThat(CTypeParser.parse("struct node *"))
                .isEqualTo(new CType.Pointer(new CType.Tagged("struct", "node", "", false), false));
        assertThat(CTypeParser.parse("struct (unnamed struct at b.c:1:16)"))
                .isEqualTo(new CType.Tagged("struct", "", "b.c:1:16", false));
        assertThat(CTypeParser.parse("union (anonymous union at /x/y.c:3:5)[2]"))
                .isEqualTo(new CType.Array(new CType.Tagged("union", "", "/x/y.c:3:5", false), "2"));
        assertThat(CTypeParser.parse("Point")).isEqualTo(new CType.Named("Point", false));
        assertThat(CTypeParser.parse("int[n]")).isInstanceOfSatisfying(CType.Array.class,
                a -> assertThat(a.isVariableLength()).isTrue());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "int[10]|int[10]",
            "struct node *|struct node *",
            "int (*)(int)|int (*)(int)",
            "int (*)[10]|int (*)[10]",
            "const char *const *|const char *const *",
            "unsigned long int|unsigned long",
            "double[64][64]|double[64][64]"})
    void spellingRoundTrips(String in, String spelled) {
        assertThat(TypeResolver.spell(CTypeParser.parse(in))).isEqualTo(spelled);
    }
}
