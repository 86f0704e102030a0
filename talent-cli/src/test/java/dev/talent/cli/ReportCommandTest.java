package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ReportCommandTest {
    @TempDir Path dir;

    @Test
    void thePageIsSelfContainedAndTheHistoryCannotBreakOutOfItsScript() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.writeString(state.resolve("history.jsonl"), """
                {"event":"start","at":"2026-01-01T00:00:00Z","platform":"x86_64"}
                {"event":"migration","at":"2026-01-01T00:00:05Z","app":"a","from":"x86_64","to":"s390x",\
                "ok":false,"failed_step":"restore","error":"</script><script>alert(1)</script>"}
                not json
                {"event":"alert","at":"2026-01-01T00:00:06Z","tag":"CVE-1","reason":"<b>x</b>"}
                {"event":"bogus","at":"2026-01-01T00:00:07Z"}
                """);
        StringWriter err = new StringWriter();
        Path out = dir.resolve("r.html");
        int status = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "report", "a<b>", "-o", out.toString(),
                "--state-dir", state.toString());
        assertThat(status).as(err.toString()).isZero();
        assertThat(err.toString()).contains("skipped 2 line(s)");
        String page = Files.readString(out);
        assertThat(page).doesNotContain("</script><script>alert(1)").contains("\\u003c/script\\u003e");
        assertThat(page).contains("<title>talent report: a&lt;b&gt;</title>");
        assertThat(page).doesNotContainPattern("(src|href)=\"https?:");
        assertThat(page.indexOf("</script>")).isGreaterThan(page.indexOf("\"event\":\"alert\""));
    }

    @Test
    void noHistoryIsSaidSo() {
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "report", "nothing", "-o",
                dir.resolve("x.html").toString(), "--state-dir", dir.resolve("none").toString());
        assertThat(status).isEqualTo(66);
        assertThat(err.toString()).contains("no history of app nothing");
    }

    @Test
    void metricsAddressesAreChecked() {
        assertThat(MetricsEndpoint.parse("127.0.0.1:9464").getPort()).isEqualTo(9464);
        assertThat(MetricsEndpoint.parse("[::1]:0").getAddress().isLoopbackAddress()).isTrue();
        assertThatThrownBy(() -> MetricsEndpoint.parse("9464")).hasMessageContaining("is not ADDR:PORT");
        assertThatThrownBy(() -> MetricsEndpoint.parse("127.0.0.1:99999")).hasMessageContaining("beyond 65535");
    }
}
