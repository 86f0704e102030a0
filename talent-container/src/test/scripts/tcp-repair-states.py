#!/usr/bin/env python3
"""Manual check of talent-tcp on connections in states other than ESTABLISHED (talent-container/README.md,
"Half-closed connections and connects in progress"), inside a network namespace of its own:

    gcc -std=c99 -Wall -Wextra -static -o /tmp/talent-tcp talent-container/src/main/resources/dev/talent/container/talent-tcp.c
    unshare -n python3 talent-container/src/test/scripts/tcp-repair-states.py /tmp/talent-tcp

Root, nft. Loopback connections in CLOSE_WAIT (IPv6, unread data), FIN_WAIT2, FIN_WAIT1 (data and FIN never
sent: output dropped), LAST_ACK, SYN_SENT (the listener's accept queue full), ESTABLISHED shut down for reading (data queued after it)
and FIN_WAIT2 shut down both ways, and two closed both ways (CLOSE: IPv6 after both FINs, the peer's first, IPv4 after a reset
whose error was read, each with data unread; README "Closed connections") are taken, their sockets
dropped without a segment (closed in repair mode), restored with give in the same namespace, and each end must
then read exactly what the uninterrupted connection would have delivered, then end of file."""
import array, errno, os, select, socket, struct, subprocess, sys, tempfile, time

TCP_REPAIR = 19
helper = sys.argv[1]
work = tempfile.mkdtemp(prefix="talent-tcp-check-")
state_file = os.path.join(work, "state")
subprocess.run("ip link set lo up mtu 1500", shell=True, check=True)   # TCP_MAXSEG takes at most 32767


def pair(fam, addr):
    listener = socket.socket(fam)
    listener.bind((addr, 0))
    listener.listen(4)
    c = socket.socket(fam)
    c.connect(listener.getsockname())
    a, _ = listener.accept()
    return listener, c, a


def tcp_state(s):
    return s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]


def read_all(s):
    s.settimeout(5)
    out = b""
    while True:
        b = s.recv(4096)
        if not b:
            return out
        out += b


l1, c1, a1 = pair(socket.AF_INET6, "::1")                 # CLOSE_WAIT, "hello6" and the FIN unread
a1.send(b"hello6")
a1.shutdown(socket.SHUT_WR)
l2, c2, a2 = pair(socket.AF_INET, "127.0.0.1")            # FIN_WAIT2, the peer has not read "abc"
c2.send(b"abc")
c2.shutdown(socket.SHUT_WR)
l3, c3, a3 = pair(socket.AF_INET, "127.0.0.1")            # FIN_WAIT1, data and FIN not sent
subprocess.run("nft add table inet talentcheck; nft add chain inet talentcheck o '{ type filter hook output priority 0; }'; "
               f"nft add rule inet talentcheck o tcp sport {c3.getsockname()[1]} drop", shell=True, check=True)
c3.send(b"unacked-data")
c3.shutdown(socket.SHUT_WR)
l4, c4, a4 = pair(socket.AF_INET, "127.0.0.1")            # LAST_ACK: the peer closed, then "late" and the FIN
a4.send(b"p4")
a4.shutdown(socket.SHUT_WR)
time.sleep(0.1)
subprocess.run(f"nft add rule inet talentcheck o tcp sport {c4.getsockname()[1]} drop", shell=True, check=True)
c4.send(b"late")
c4.shutdown(socket.SHUT_WR)
l5 = socket.socket()                                       # SYN_SENT: the accept queue is full
l5.bind(("127.0.0.1", 0))
l5.listen(0)
fillers = []
for _ in range(3):
    f = socket.socket()
    f.settimeout(0.5)
    try:
        f.connect(l5.getsockname())
        fillers.append(f)
    except socket.timeout:
        f.close()
        break
c5 = socket.socket()
c5.setblocking(False)
try:
    c5.connect(l5.getsockname())
except BlockingIOError:
    pass
l6, c6, a6 = pair(socket.AF_INET, "127.0.0.1")            # shut down for reading, "q6" came after it, unread
c6.shutdown(socket.SHUT_RD)
a6.send(b"q6")
l7, c7, a7 = pair(socket.AF_INET, "127.0.0.1")            # shut down both ways (FIN_WAIT2, reading shut too)
c7.shutdown(socket.SHUT_RDWR)
l8, c8, a8 = pair(socket.AF_INET6, "::1")                 # CLOSE after both FINs, "u8" unread (the peer's FIN
a8.send(b"u8")                                            # first: the active close would leave a timewait socket
a8.shutdown(socket.SHUT_WR)                               # on c8's port, which a restore in this same namespace
time.sleep(0.1)                                           # could not bind; a destination's namespace has none)
c8.shutdown(socket.SHUT_WR)
l9, c9, a9 = pair(socket.AF_INET, "127.0.0.1")            # CLOSE after a reset whose error was read, "u9" unread
a9.send(b"u9")
time.sleep(0.1)
a9.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
a9.close()
time.sleep(0.2)
assert c9.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 104
socks = [c1, c2, c3, c4, c5, c6, c7, c8, c9]
assert [tcp_state(s) for s in socks] == [8, 5, 4, 9, 2, 1, 5, 7, 7], [tcp_state(s) for s in socks]


def events(s):
    p = select.poll()
    p.register(s, select.POLLIN | select.POLLOUT | 0x2000)
    return p.poll(0)[0][1]


closed_events = [events(c8), events(c9)]

take = subprocess.Popen([helper, "take", work, state_file, "10000"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True)
assert take.stdout.readline().strip() == "ready"
u = socket.socket(socket.AF_UNIX)
u.connect(os.path.join(work, "tcp.sock"))
fds = [s.fileno() for s in socks]
u.sendmsg([struct.pack(">II", 0x544c544b, len(fds)) + b"".join(struct.pack(">I", 100 + i) for i in range(len(fds)))],
          [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
answer = u.recv(200)
assert answer == b"k", answer
print(take.stdout.read(), end="")
assert take.wait() == 0
for s in socks:                                            # gone without a segment
    s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 1)
    s.close()
subprocess.run("nft delete table inet talentcheck", shell=True, check=True)

give = subprocess.Popen([helper, "give", work, state_file, "/proc/self/ns/net", "-", "10000"], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
line = give.stdout.readline()
assert line.strip() == "ready", line
u = socket.socket(socket.AF_UNIX)
u.connect(os.path.join(work, "tcp.sock"))
msg, anc, _, _ = u.recvmsg(1024, socket.CMSG_SPACE(4 * 12))
got = array.array("i")
got.frombytes(anc[0][2])
u.send(b"k")
print(give.stdout.read(), end="")
assert give.wait() == 0
r = [socket.socket(fileno=f) for f in got]

assert read_all(r[0]) == b"hello6"
assert read_all(a2) == b"abc" and tcp_state(r[1]) == 5
assert read_all(a3) == b"unacked-data"
assert read_all(r[3]) == b"p4" and read_all(a4) == b"late"
for f in fillers:
    l5.accept()[0].close()
l5.settimeout(10)
a5, _ = l5.accept()                                        # the SYN again
r[4].setblocking(True)
r[4].send(b"syn")
r[4].shutdown(socket.SHUT_WR)
assert read_all(a5) == b"syn"
r[5].setblocking(False)                                    # "q6", then end of file at once (no wait for more)
assert r[5].recv(100) == b"q6"
assert r[5].recv(100) == b""
r[5].send(b"w6")                                           # writing is not shut
a6.settimeout(5)
assert a6.recv(100) == b"w6"
assert read_all(a7) == b"" and tcp_state(r[6]) == 5
a7.send(b"x")                                              # data to a socket that shut reading and writing: reset
time.sleep(0.3)
assert tcp_state(a7) == 7 and tcp_state(r[6]) == 7, (tcp_state(a7), tcp_state(r[6]))
for i, data in ((7, b"u8"), (8, b"u9")):                  # closed as on the source: poll, queue, EOF, EPIPE
    assert tcp_state(r[i]) == 7 and events(r[i]) == closed_events[i - 7], (i, tcp_state(r[i]), events(r[i]))
    assert r[i].getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
    try:
        r[i].getpeername()
        raise AssertionError("a closed socket has no peer name")
    except OSError as e:
        assert e.errno == errno.ENOTCONN
    r[i].setblocking(False)
    assert r[i].recv(100) == data and r[i].recv(100) == b""
    try:
        r[i].send(b"x")
        raise AssertionError("a write to a closed socket succeeded")
    except OSError as e:
        assert e.errno == errno.EPIPE
print("ok: CLOSE_WAIT (IPv6), FIN_WAIT2, FIN_WAIT1, LAST_ACK, SYN_SENT, SHUT_RD, SHUT_RDWR, CLOSE (IPv6 FINs, reset)")
