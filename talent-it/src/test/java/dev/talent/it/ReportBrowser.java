package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Loads a {@code talent report} page in headless Chromium (no network, a throw-away profile) and reads its DOM. */
final class ReportBrowser {
    private ReportBrowser() {}

    /**
     * The page's DOM after its script ran: asserts that the script finished without an error, then returns the
     * number of rows of the "migrations" and "alerts" tables and the "state" summary.
     */
    static Map<String, String> render(Path chromium, Path page, Path workDir) throws IOException {
        Path profile = Files.createTempDirectory(workDir, "chromium-profile");
        try {
            ProcessResult r = Processes.run(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + profile, "--dump-dom", page.toUri().toString()), workDir, Duration.ofMinutes(2));
            assertThat(r.exitCode()).withFailMessage(r::describe).isZero();
            String dom = r.stdoutText();
            assertThat(dom).as("the page's script ran to its end without an error").contains("data-rendered=\"ok\"");
            assertThat(dom).contains("<div id=\"errors\"></div>");
            assertThat(dom).contains("id=\"timeline-svg\"").contains("id=\"histogram-svg\"").contains("id=\"phases-svg\"");
            Map<String, String> out = new HashMap<>();
            out.put("migrations", Integer.toString(count(dom, "<tr class=\"migration ")));
            out.put("alerts", Integer.toString(count(dom, "<tr class=\"alert\">")));
            Matcher state = Pattern.compile("<span>state: ([^<]*)</span>").matcher(dom);
            out.put("state", state.find() ? state.group(1) : "");
            return out;
        } finally {
            ItPaths.deleteRecursively(profile);
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }
}
