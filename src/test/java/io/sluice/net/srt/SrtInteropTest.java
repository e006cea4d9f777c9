package io.sluice.net.srt;

import static io.sluice.net.srt.SrtTesting.loopback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our binding against third-party SRT peers: srt-live-transmit (srt-tools 1.5.1) as listener and as
 * caller, and ffmpeg's libsrt caller. Skipped where a peer is not installed.
 */
@Timeout(60)
class SrtInteropTest {
    private static final String SECRET = "interop-secret-42";
    private final List<Process> processes = new ArrayList<>();
    private final ExecutorService blocking = Executors.newCachedThreadPool();

    @TempDir
    Path tmp;

    @BeforeAll
    static void srt() {
        SrtTesting.assumeSrt();
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            assertThat(p.waitFor(5, TimeUnit.SECONDS)).as("peer process ended").isTrue();
        }
        blocking.shutdownNow();
        assertThat(blocking.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void srtLiveTransmitListenerReceivesFromOurEncryptedCaller() throws Exception {
        assumeTool("srt-live-transmit");
        int port = SrtTesting.freeUdpPort();
        Path out = tmp.resolve("slt.out");
        Process slt = start(out, "srt-live-transmit", "-q", "-a", "no",
                "srt://:" + port + "?mode=listener&passphrase=" + SECRET, "file://con");
        SrtOptions o = new SrtOptions(120, SECRET, 0, "live/interop", 400, 5000);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (SrtSocket c = connectWhenListening(port, o)) {
            ByteBuf b = Unpooled.directBuffer(SrtSocket.LIVE_PAYLOAD);
            try {
                for (int i = 0; i < 200; i++) {
                    byte[] m = SrtSocketTest.message(i, SrtSocket.LIVE_PAYLOAD);
                    b.clear().writeBytes(m);
                    while (c.send(b, 0, m.length) == 0) {
                        Thread.sleep(1);
                    }
                    expected.write(m);
                    Thread.sleep(1); // a live stream, not a burst
                }
            } finally {
                b.release();
            }
            // the last message must reach it before we hang up
            awaitDelivered(c, 5_000);
            assertThat(c.stats(false).pktSent()).isGreaterThanOrEqualTo(200);
        }
        // its stdout is a buffered stream, complete only once it exits; -a no: it does when the caller leaves
        assertThat(slt.waitFor(10, TimeUnit.SECONDS)).as("srt-live-transmit exits after the caller closed").isTrue();
        assertThat(Files.size(out)).as("bytes written by srt-live-transmit; its stderr: %s",
                Files.readString(out.resolveSibling("slt.out.err"))).isEqualTo(expected.size());
        assertThat(Files.readAllBytes(out)).isEqualTo(expected.toByteArray());
    }

    @Test
    void srtLiveTransmitCallerPassesOurGateAndDelivers() throws Exception {
        assumeTool("srt-live-transmit");
        Map<String, Boolean> asked = new ConcurrentHashMap<>();
        try (SrtListener l = SrtListener.bind(loopback(0), SrtOptions.defaults(), (sid, peer) -> {
            asked.put(sid, true);
            return sid.equals("publish:cam7") ? SrtListener.Decision.accept(SECRET)
                    : SrtListener.Decision.reject(SrtReject.FORBIDDEN);
        })) {
            int udp = SrtTesting.freeUdpPort();
            start(tmp.resolve("slt.out"), "srt-live-transmit", "-q", "-a", "no", "udp://127.0.0.1:" + udp,
                    "srt://127.0.0.1:" + l.port() + "?mode=caller&streamid=publish:cam7&passphrase=" + SECRET);
            Future<SrtSocket> accepted = blocking.submit(l::accept);
            try (SrtSocket s = accepted.get(10, TimeUnit.SECONDS); DatagramSocket u = new DatagramSocket()) {
                assertThat(s.streamId()).isEqualTo("publish:cam7");
                assertThat(asked).containsOnlyKeys("publish:cam7");
                s.receiveTimeoutMs(100);
                byte[] buf = new byte[1500];
                List<byte[]> sent = new ArrayList<>();
                int received = 0;
                for (int i = 0; i < 50 && received < 20; i++) {
                    byte[] m = SrtSocketTest.message(i, 1316);
                    u.send(new DatagramPacket(m, m.length, loopback(udp)));
                    sent.add(m);
                    int n;
                    while ((n = s.receive(buf)) > 0) {
                        // one datagram in, one SRT message out, in order (UDP on loopback does not lose them)
                        assertThat(java.util.Arrays.copyOf(buf, n)).isEqualTo(sent.get(received));
                        received++;
                    }
                }
                assertThat(received).isGreaterThanOrEqualTo(20);
                assertThat(s.stats(false).byteRecv()).isGreaterThanOrEqualTo(20L * 1316);
            }
        }
    }

    @Test
    void ffmpegPublishesMpegTsWithItsStreamId() throws Exception {
        assumeTool("ffmpeg");
        Map<String, Boolean> asked = new ConcurrentHashMap<>();
        try (SrtListener l = SrtListener.bind(loopback(0), SrtOptions.defaults(), (sid, peer) -> {
            asked.put(sid, true);
            return SrtListener.Decision.accept("");
        })) {
            start(tmp.resolve("ffmpeg.out"), "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
                    "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-t", "3", "-c:v", "mpeg2video",
                    "-f", "mpegts",
                    "srt://127.0.0.1:" + l.port() + "?mode=caller&pkt_size=1316&streamid=publish:live/ff");
            Future<SrtSocket> accepted = blocking.submit(l::accept);
            try (SrtSocket s = accepted.get(15, TimeUnit.SECONDS)) {
                assertThat(s.streamId()).isEqualTo("publish:live/ff");
                s.receiveTimeoutMs(2000);
                byte[] buf = new byte[1500];
                int messages = 0;
                long bytes = 0;
                while (messages < 20) {
                    int n = s.receive(buf);
                    assertThat(n).as("a message before the timeout").isPositive();
                    assertThat(n % 188).as("whole TS packets").isZero();
                    for (int i = 0; i < n; i += 188) {
                        assertThat(buf[i]).as("TS sync byte").isEqualTo((byte) 0x47);
                    }
                    messages++;
                    bytes += n;
                }
                assertThat(s.stats(false).byteRecv()).isGreaterThanOrEqualTo(bytes);
            }
        }
    }

    private Process start(Path out, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(out.resolveSibling(out.getFileName() + ".err").toFile()).start();
        processes.add(p);
        return p;
    }

    /** Retries until the peer's listener is up: it cannot tell us when it is. */
    private static SrtSocket connectWhenListening(int port, SrtOptions o) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return SrtSocket.connect(loopback(port), o);
            } catch (SrtException e) {
                if (e.code() != 1001 || System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    /** Until every sent packet is acknowledged (nothing left in the send buffer). */
    private static void awaitDelivered(SrtSocket c, long maxMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
        while (c.stats(false).sndBufPkts() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static void assumeTool(String name) {
        boolean found = System.getenv("PATH") != null && java.util.Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, name)));
        assumeTrue(found, name + " not installed");
    }
}
