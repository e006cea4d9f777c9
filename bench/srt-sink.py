#!/usr/bin/python3
"""srt-sink.py PORT SECONDS [LATENCY_MS] — many-session SRT forward target for bench/fanout-srt.sh.

One SRT listener on 127.0.0.1:PORT (libsrt through ctypes, live mode, non-blocking, one epoll) that
accepts every caller, whatever its stream id, and counts per session: messages, bytes, and libsrt's
receiver counters (packets lost, packets dropped too late for TSBPD). gst's srtsrc and
srt-live-transmit take one caller per listener, which would need one process per forward target.

On SIGUSR1 it prints a snapshot (the bench takes one at the start and one at the end of its
measurement window); at the end (SECONDS, SIGTERM or SIGINT) a final one:
  SNAP n=K t=EPOCH_S sessions=S
  SESS snap=K sid=STREAMID peer=IP:PORT msgs=M bytes=B loss=L drop=D state=open|closed
  ...
  END snap=K
Sessions are numbered in accept order; a caller that reconnects is a new SESS line with the same sid.
Runs with the system python3 (no packages needed besides libsrt1.5).
"""
import ctypes
import ctypes.util
import signal
import socket
import struct
import sys
import time

SRTO_RCVSYN = 2
SRTO_SNDSYN = 1
SRTO_LATENCY = 23
SRTO_STREAMID = 46
SRT_EPOLL_IN = 0x1
SRT_EPOLL_ERR = 0x8
SRT_EASYNCRCV = 6002
SRTS_BROKEN = 6


class EpollEvent(ctypes.Structure):
    _fields_ = [("fd", ctypes.c_int), ("events", ctypes.c_int)]


class PerfTotals(ctypes.Structure):
    """The leading (cumulative) fields of libsrt's CBytePerfMon; the rest is padding."""
    _fields_ = [("msTimeStamp", ctypes.c_int64), ("pktSentTotal", ctypes.c_int64),
                ("pktRecvTotal", ctypes.c_int64), ("pktSndLossTotal", ctypes.c_int),
                ("pktRcvLossTotal", ctypes.c_int), ("pktRetransTotal", ctypes.c_int),
                ("pktSentACKTotal", ctypes.c_int), ("pktRecvACKTotal", ctypes.c_int),
                ("pktSentNAKTotal", ctypes.c_int), ("pktRecvNAKTotal", ctypes.c_int),
                ("usSndDurationTotal", ctypes.c_int64), ("pktSndDropTotal", ctypes.c_int),
                ("pktRcvDropTotal", ctypes.c_int), ("rest", ctypes.c_char * 2048)]


def load():
    name = "libsrt.so.1.5"
    lib = ctypes.CDLL(name)
    lib.srt_epoll_uwait.argtypes = [ctypes.c_int, ctypes.POINTER(EpollEvent), ctypes.c_int, ctypes.c_int64]
    lib.srt_recvmsg.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.srt_getlasterror.argtypes = [ctypes.c_void_p]
    lib.srt_bstats.argtypes = [ctypes.c_int, ctypes.POINTER(PerfTotals), ctypes.c_int]
    lib.srt_getlasterror_str.restype = ctypes.c_char_p
    return lib


def main():
    port, secs = int(sys.argv[1]), float(sys.argv[2])
    latency = int(sys.argv[3]) if len(sys.argv) > 3 else 120
    srt = load()
    if srt.srt_startup() < 0:
        sys.exit("srt_startup failed")
    srt.srt_setloglevel(2)  # LOG_CRIT: keep libsrt's own error lines off stderr
    ls = srt.srt_create_socket()
    no = ctypes.c_int(0)
    lat = ctypes.c_int(latency)
    for opt, val in ((SRTO_RCVSYN, no), (SRTO_SNDSYN, no), (SRTO_LATENCY, lat)):
        if srt.srt_setsockflag(ls, opt, ctypes.byref(val), ctypes.sizeof(val)) < 0:
            sys.exit("srt_setsockflag %d failed" % opt)
    sa = struct.pack("<hH4s8x", socket.AF_INET, socket.htons(port), socket.inet_aton("127.0.0.1"))
    if srt.srt_bind(ls, sa, len(sa)) < 0 or srt.srt_listen(ls, 1024) < 0:
        sys.exit("bind/listen on 127.0.0.1:%d failed: %s" % (port, srt.srt_getlasterror_str()))
    eid = srt.srt_epoll_create()
    ev = ctypes.c_int(SRT_EPOLL_IN | SRT_EPOLL_ERR)
    srt.srt_epoll_add_usock(eid, ls, ctypes.byref(ev))

    sessions = {}   # socket -> dict
    order = []
    snaps = {"n": 0, "want": False}
    stop = {"now": False}
    signal.signal(signal.SIGUSR1, lambda *_: snaps.__setitem__("want", True))
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__("now", True))
    signal.signal(signal.SIGINT, lambda *_: stop.__setitem__("now", True))

    stats = PerfTotals()

    def snapshot():
        snaps["n"] += 1
        k = snaps["n"]
        out = ["SNAP n=%d t=%.6f sessions=%d" % (k, time.time(), len(order))]
        for s in order:
            if s["open"] and srt.srt_bstats(s["sock"], ctypes.byref(stats), 0) == 0:
                s["loss"], s["drop"] = stats.pktRcvLossTotal, stats.pktRcvDropTotal
            out.append("SESS snap=%d sid=%s peer=%s msgs=%d bytes=%d loss=%d drop=%d state=%s" % (
                k, s["sid"] or "-", s["peer"], s["msgs"], s["bytes"], s["loss"], s["drop"],
                "open" if s["open"] else "closed"))
        out.append("END snap=%d" % k)
        sys.stdout.write("\n".join(out) + "\n")
        sys.stdout.flush()

    def close(s):
        if s["open"]:
            if srt.srt_bstats(s["sock"], ctypes.byref(stats), 0) == 0:
                s["loss"], s["drop"] = stats.pktRcvLossTotal, stats.pktRcvDropTotal
            srt.srt_epoll_remove_usock(eid, s["sock"])
            srt.srt_close(s["sock"])
            s["open"] = False
            del sessions[s["sock"]]

    events = (EpollEvent * 256)()
    buf = ctypes.create_string_buffer(1500)
    sidbuf = ctypes.create_string_buffer(600)
    sidlen = ctypes.c_int(0)
    peer = ctypes.create_string_buffer(128)
    peerlen = ctypes.c_int(0)
    end = time.monotonic() + secs
    while not stop["now"] and time.monotonic() < end:
        if snaps["want"]:
            snaps["want"] = False
            snapshot()
        n = srt.srt_epoll_uwait(eid, events, 256, 100)
        for i in range(max(n, 0)):
            fd, evs = events[i].fd, events[i].events
            if fd == ls:  # level-triggered: one accept per report
                peerlen.value = 128
                c = srt.srt_accept(ls, peer, ctypes.byref(peerlen))
                if c >= 0:
                    sidlen.value = 600
                    srt.srt_getsockflag(c, SRTO_STREAMID, sidbuf, ctypes.byref(sidlen))
                    _, pport, paddr = struct.unpack("<hH4s", peer.raw[:8])
                    s = {"sock": c, "sid": sidbuf.raw[:sidlen.value].decode("utf-8", "replace"),
                         "peer": "%s:%d" % (socket.inet_ntoa(paddr), socket.ntohs(pport)),
                         "msgs": 0, "bytes": 0, "loss": 0, "drop": 0, "open": True}
                    sessions[c] = s
                    order.append(s)
                    e2 = ctypes.c_int(SRT_EPOLL_IN | SRT_EPOLL_ERR)
                    srt.srt_epoll_add_usock(eid, c, ctypes.byref(e2))
                continue
            s = sessions.get(fd)
            if s is None:
                continue
            while True:
                r = srt.srt_recvmsg(fd, buf, 1500)
                if r > 0:
                    s["msgs"] += 1
                    s["bytes"] += r
                    continue
                if r < 0 and srt.srt_getlasterror(None) != SRT_EASYNCRCV:
                    close(s)
                break
            if s["open"] and (evs & SRT_EPOLL_ERR or srt.srt_getsockstate(fd) >= SRTS_BROKEN):
                close(s)
    snapshot()
    for s in list(sessions.values()):
        close(s)
    srt.srt_close(ls)
    srt.srt_epoll_release(eid)
    srt.srt_cleanup()


if __name__ == "__main__":
    main()
