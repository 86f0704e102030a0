package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EventPollRejectionTest {
    @TempDir
    Path dir;

    @Test
    void everyEpollCallIsRefusedWithItsLineAndPollAsTheRemedy() {
        var d = CProgram.in(dir).file("a.c", """
                #include <sys/epoll.h>
                int main(void) {
                  struct epoll_event ev, out[4];
                  int ep = epoll_create1(0);
                  ev.events = EPOLLIN;
                  ev.data.fd = 0;
                  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);
                  return epoll_wait(ep, out, 4, 10);
                }
                """).rejection();
        assertThat(d).extracting(Diagnostic::line).containsExactlyInAnyOrder(4, 7, 8);
        assertThat(d).allSatisfy(x -> {
            assertThat(x.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(x.message()).contains("epoll instances are kernel objects");
            assertThat(x.remedy()).contains("poll() or select()");
        });
    }

    @Test
    void pollAndSelectAreNotRefused() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <poll.h>
                #include <sys/select.h>
                int main(void) {
                  struct pollfd f = {0, POLLIN, 0};
                  fd_set r;
                  struct timeval tv = {0, 0};
                  FD_ZERO(&r);
                  FD_SET(0, &r);
                  return poll(&f, 1, 0) + select(1, &r, 0, 0, &tv);
                }
                """).analyze();
        assertThat(p.function("main")).isNotNull();
    }
}
