/* epoll calls whose epoll_data member talent cannot tell are refused at their line (analysis.EventPollRejection);
 * the others compile into talent_epoll_ctl with their kind. */
#include <string.h>
#include <sys/epoll.h>
struct conn { int fd; };
static struct epoll_event shared;
static void fill(struct epoll_event *e) { e->data.u64 = 7; }
int main(void) {
  struct conn c = {5};
  struct epoll_event ev, other, escaped, out[1];
  int ep = epoll_create1(0);
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  ev.data.fd = 0;
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);
  ev.data.ptr = &c;
  epoll_ctl(ep, EPOLL_CTL_MOD, 0, &ev);
  if (c.fd) ev.data.fd = 1;
  // BUG: Diagnostic contains: both a pointer and a number are written to 'ev.data'
  epoll_ctl(ep, EPOLL_CTL_MOD, 0, &ev);
  // BUG: Diagnostic contains: 'shared' is not a local variable of this function
  epoll_ctl(ep, EPOLL_CTL_ADD, 1, &shared);
  // BUG: Diagnostic contains: no member of 'other.data' is written in this function
  epoll_ctl(ep, EPOLL_CTL_ADD, 2, &other);
  fill(&escaped);
  // BUG: Diagnostic contains: the address of 'escaped' is given to fill
  epoll_ctl(ep, EPOLL_CTL_ADD, 3, &escaped);
  epoll_ctl(ep, EPOLL_CTL_DEL, 0, 0);
  // BUG: Diagnostic contains: 'epoll_pwait2' is not supported
  return epoll_pwait2(ep, out, 1, 0, 0) + epoll_wait(ep, &ev, 1, 0);
}
