package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LinkMapTest {

    @Test
    void readsLoadedFilesAndIncludedMembersOfGnuLdsMap() {
        List<String> map = List.of(
                "Archive member included to satisfy reference by file (symbol)",
                "",
                "lib/libwork.a(table.o)        src/main.o (table_fill)",
                "lib/libwork.a(a_member_with_a_long_name.o)",
                "                              src/main.o (checksum)",
                "/usr/lib/x86_64-linux-gnu/libc.a(printf.o)",
                "                              src/main.o (printf)",
                "",
                "Discarded input sections",
                "",
                " .text          0x0000000000000000        0x0 lib/libwork.a(table.o)",
                "",
                "LOAD /usr/lib/x86_64-linux-gnu/crt1.o",
                "LOAD src/main.o",
                "LOAD lib/libwork.a",
                "LOAD src/main.o");
        LinkMap m = LinkMap.parse(map);
        assertThat(m.loaded()).containsExactly("/usr/lib/x86_64-linux-gnu/crt1.o", "src/main.o", "lib/libwork.a");
        assertThat(m.members()).containsExactly(new LinkMap.Member("lib/libwork.a", "table.o"),
                new LinkMap.Member("lib/libwork.a", "a_member_with_a_long_name.o"),
                new LinkMap.Member("/usr/lib/x86_64-linux-gnu/libc.a", "printf.o"));
    }

    @Test
    void makeRulesAreSplitIntoFiles() {
        assertThat(TalentCc.makeWords("src/main.o: src/main.c lib/table.h \\\n lib/my\\ file.h\n"))
                .containsExactly("src/main.o", "src/main.c", "lib/table.h", "lib/my file.h");
    }
}
