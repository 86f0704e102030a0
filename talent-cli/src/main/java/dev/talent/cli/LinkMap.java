package dev.talent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a GNU ld link map ({@code -Wl,-Map=FILE}) says about the inputs of a link: the files it loaded
 * ({@code LOAD} lines, in command-line order) and the archive members it included (the map's first section),
 * in the order they were included. talentcc's translation units are the objects among them.
 */
record LinkMap(List<String> loaded, List<Member> members) {

    record Member(String archive, String member) { }

    private static final Pattern MEMBER = Pattern.compile("(\\S+\\.a)\\(([^()/\\s]+)\\)(\\s.*)?");
    private static final int MAX_LINES = 1_000_000;

    LinkMap {
        loaded = List.copyOf(loaded);
        members = List.copyOf(members);
    }

    static LinkMap parse(List<String> lines) {
        List<String> loaded = new ArrayList<>();
        List<Member> members = new ArrayList<>();
        boolean inMembers = false;
        int n = 0;
        for (String line : lines) {
            if (++n > MAX_LINES) break;
            if (line.startsWith("Archive member included")) {
                inMembers = true;
                continue;
            }
            if (inMembers && (line.startsWith("Allocating common") || line.startsWith("Discarded input")
                    || line.startsWith("Memory Configuration") || line.startsWith("As-needed library"))) {
                inMembers = false;
            }
            if (inMembers && !line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
                Matcher m = MEMBER.matcher(line);
                if (m.matches() && !members.contains(new Member(m.group(1), m.group(2)))) members.add(new Member(m.group(1), m.group(2)));
            }
            if (line.startsWith("LOAD ")) {
                String file = line.substring(5).strip();
                if (!loaded.contains(file)) loaded.add(file);
            }
        }
        return new LinkMap(loaded, members);
    }
}
