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
    void epollCallsBecomeWrappersWithTheDataMemberTheProgramWrote() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <sys/epoll.h>
                #include <stdlib.h>
                struct conn { int fd; };
                int serve(int ep, int lfd) {
                  struct epoll_event ev, out[4];
                  struct epoll_event w = { .events = EPOLLIN, .data.u64 = 9 };
                  struct conn *c = malloc(sizeof *c);
                  ev.events = EPOLLIN;
                  ev.data.fd = lfd;
                  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
                  ev.data.ptr = c;
                  epoll_ctl(ep, EPOLL_CTL_ADD, 4, &ev);
                  epoll_ctl(ep, EPOLL_CTL_ADD, 5, &w);
                  epoll_ctl(ep, EPOLL_CTL_DEL, 4, NULL);
                  return epoll_wait(ep, out, 4, -1);
                }
                int main(void) { return serve(epoll_create1(0), 0) + epoll_create(1); }
                """);
        String out = p.instrumentedWithoutCloneChoices("a.c");
        p.compilesWithGcc("a.c");
        assertThat(out).contains("talent_epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev__talent_w.__talent_o, 1)")
                .contains("talent_epoll_ctl(ep, EPOLL_CTL_ADD, 4, &ev__talent_w.__talent_o, 3)")
                .contains("talent_epoll_ctl(ep, EPOLL_CTL_ADD, 5, &w__talent_w.__talent_o, 2)")
                .contains("talent_epoll_ctl(ep, EPOLL_CTL_DEL, 4, NULL, 0)")
                .contains("talent_epoll_wait(ep, out__talent_w.__talent_o, 4, -1)")
                .contains("talent_epoll_create1(0)").contains("talent_epoll_create(1)");
    }

    @Test
    void aCallWhoseDataMemberCannotBeToldIsRefusedAtItsLine() {
        var d = CProgram.in(dir).file("a.c", """
                #include <sys/epoll.h>
                struct conn { int fd; };
                int main(int argc, char **argv) {
                  struct conn c = {0};
                  struct epoll_event ev;
                  int ep = epoll_create1(0);
                  ev.events = EPOLLIN;
                  if (argc > 1) ev.data.ptr = &c; else ev.data.fd = 0;
                  (void)argv;
                  return epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);
                }
                """).rejection();
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(10);
            assertThat(x.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(x.message()).contains("cannot tell which member of epoll_data").contains("never guesses");
            assertThat(x.remedy()).contains("ev.data.ptr");
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
