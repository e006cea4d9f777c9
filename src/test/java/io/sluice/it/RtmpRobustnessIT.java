package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import io.sluice.path.Path;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A dead target, bad bytes and bad credentials on the RTMP side hurt only themselves: the publisher,
 * the local readers and the other connections keep going.
 */
@Timeout(180)
class RtmpRobustnessIT {
    static final int FPS = 30;

    @Test
    void killedRtmpTargetReconnectsWhilePublisherAndReaderAreUnaffected() throws Exception {
        int nginx = Ports.tcp();
        int total = 18;
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: nginx
                        url: rtmp://127.0.0.1:%d/live/out
                        reconnectDelay: 500ms
                        reconnectMaxDelay: 1s
                """.formatted(nginx);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml)) {
            Supplier<DestStats> stats = () -> sluice.server().paths().get("live/test").forwardStats().getFirst();
            Peer sink1 = Peer.start("sink-rtmp.sh", Integer.toString(nginx), "40");
            Peer reader = null;
            try (Peer pub = Peer.start("publish-rtmp.sh", sluice.rtmp("live/test"), Integer.toString(total))) {
                assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink1.output()).isTrue();
                Thread.sleep(1500);
                reader = Peer.start("read-rtmp.sh", sluice.rtmp("live/test"), Integer.toString(total - 3));
                assertThat(Wait.until(() -> stats.get().state() == DestState.FORWARDING, Duration.ofSeconds(8)))
                        .as(stats.get().toString()).isTrue();
                Thread.sleep(2500);
                sink1.close(); // the target dies mid-stream
                Thread.sleep(1500);
                DestStats down = stats.get();
                System.out.println("target down: " + down);
                assertThat(down.state()).as(down.toString()).isIn(DestState.BACKOFF, DestState.CONNECTING);
                try (Peer sink2 = Peer.start("sink-rtmp.sh", Integer.toString(nginx), "8")) {
                    assertThat(Wait.until(() -> stats.get().state() == DestState.FORWARDING, Duration.ofSeconds(5)))
                            .as("forwarding again within the 1 s backoff: " + stats.get()).isTrue();
                    assertThat(stats.get().reconnects()).isGreaterThanOrEqualTo(1);
                    sink2.await(Duration.ofSeconds(60));
                    Map<String, String> r2 = sink2.result("RECEIVED");
                    assertThat(r2.get("video")).as(sink2.output()).isEqualTo("h264");
                    assertThat(Integer.parseInt(r2.get("frames"))).as("restarted target gets the stream again: "
                            + sink2.output()).isGreaterThan(4 * FPS);
                }
                assertThat(pub.await(Duration.ofSeconds(total + 30))).as("publisher unaffected: " + pub.output())
                        .isZero();
                reader.await(Duration.ofSeconds(total + 30));
                Map<String, String> rr = reader.result("READ");
                assertThat(rr.get("video")).isEqualTo("h264");
                assertThat(Integer.parseInt(rr.get("frames"))).as("local reader unaffected: " + reader.output())
                        .isGreaterThanOrEqualTo(MediaChecks.lossless((total - 5) * FPS, FPS));
            } finally {
                sink1.close();
                if (reader != null) {
                    reader.close();
                }
            }
            DestStats end = stats.get();
            assertThat(end.reconnects()).as(end.toString()).isGreaterThanOrEqualTo(1);
            assertThat(end.lastError()).as(end.toString()).isNotEmpty();
        }
    }

    @Test
    void garbageTruncatedHandshakeAndOversizedChunkCloseOnlyTheirConnection() throws Exception {
        int seconds = 16;
        try (SluiceUnderTest sluice = SluiceUnderTest.start("paths:\n  all_others: {}\n");
                Peer pub = Peer.start("publish-rtmp.sh", sluice.rtmp("live/test"), Integer.toString(seconds))) {
            Thread.sleep(2000);
            try (Peer reader = Peer.start("read-rtmp.sh", sluice.rtmp("live/test"), Integer.toString(seconds - 4))) {
                Thread.sleep(1500);
                Path path = sluice.server().paths().get("live/test");
                assertThat(path.hasPublisher()).isTrue();

                // 1. garbage: a wrong version byte and random bytes instead of C0+C1
                try (RawRtmp raw = new RawRtmp(sluice.rtmpPort)) {
                    byte[] junk = raw.random(4096);
                    junk[0] = 'G'; // "GET / HTTP/1.1" is a classic on port 1935
                    raw.sendUntilClosed(junk);
                    assertThat(raw.closedByServerWithin(Duration.ofSeconds(5))).as("garbage closes").isTrue();
                }
                // 2. a handshake cut short: C0 + 700 of C1's 1536 bytes, then FIN
                try (RawRtmp raw = new RawRtmp(sluice.rtmpPort)) {
                    byte[] c01 = raw.random(701);
                    c01[0] = 3;
                    raw.send(c01);
                    raw.shutdownOutput();
                    assertThat(raw.closedByServerWithin(Duration.ofSeconds(5))).as("truncated handshake closes").isTrue();
                }
                // 3. after a valid handshake, a command message announcing 16 MiB - 1 (the largest length
                //    RTMP can express) in 128-byte chunks: the server must refuse it rather than buffer it.
                try (RawRtmp raw = new RawRtmp(sluice.rtmpPort)) {
                    raw.handshake();
                    boolean closedWhileSending = raw.sendUntilClosed(oversizedCommand(4 << 20));
                    assertThat(closedWhileSending || raw.closedByServerWithin(Duration.ofSeconds(5)))
                            .as("oversized message closes").isTrue();
                }
                Thread.sleep(500);
                assertThat(path.hasPublisher()).as("the publisher is still there").isTrue();
                assertThat(pub.isAlive()).as(pub.output()).isTrue();
                // a reader arriving after the attacks still gets the stream
                try (Peer late = Peer.start("read-rtmp.sh", sluice.rtmp("live/test"), "5")) {
                    late.await(Duration.ofSeconds(40));
                    Map<String, String> r = late.result("READ");
                    assertThat(r.get("video")).as(late.output()).isEqualTo("h264");
                    assertThat(Integer.parseInt(r.get("frames"))).as(late.output()).isGreaterThan(60);
                }
                reader.await(Duration.ofSeconds(seconds + 30));
                Map<String, String> r = reader.result("READ");
                assertThat(r.get("video")).as(reader.output()).isEqualTo("h264");
                assertThat(Integer.parseInt(r.get("frames"))).as("reader running during the attacks: " + reader.output())
                        .isGreaterThanOrEqualTo(MediaChecks.lossless((seconds - 6) * FPS, FPS));
            }
            assertThat(pub.await(Duration.ofSeconds(seconds + 30))).as(pub.output()).isZero();
        }
    }

    /**
     * Chunk stream 3, fmt 0, message type 20 (AMF0 command), length 0xFFFFFF, then {@code bodyBytes} of
     * body split in 128-byte chunks (the default chunk size) with fmt 3 headers.
     */
    private static byte[] oversizedCommand(int bodyBytes) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x03, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, 20, 0, 0, 0, 0});
        byte[] chunk = new byte[128];
        java.util.Arrays.fill(chunk, (byte) 0x02);
        for (int sent = 0; sent < bodyBytes; sent += 128) {
            if (sent > 0) {
                b.write(0xC3);
            }
            b.writeBytes(chunk);
        }
        return b.toByteArray();
    }

    @Test
    void wrongPublishCredentialsAreRefusedAndRightOnesWork() throws Exception {
        String yaml = """
                paths:
                  live/secure:
                    publishUser: pubuser
                    publishPass: pubsecret
                    readUser: readuser
                    readPass: readsecret
                """;
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml)) {
            for (String query : new String[] {"", "?user=pubuser&pass=wrong", "?user=readuser&pass=readsecret"}) {
                try (Peer bad = Peer.start("publish-rtmp.sh", sluice.rtmp("live/secure") + query, "4")) {
                    boolean published = false;
                    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                    while (bad.isAlive() && System.nanoTime() < deadline) {
                        Path p = sluice.server().paths().get("live/secure");
                        published |= p != null && p.hasPublisher();
                        Thread.sleep(100);
                    }
                    assertThat(published).as("no publisher with '" + query + "'").isFalse();
                    assertThat(bad.await(Duration.ofSeconds(30))).as("ffmpeg refused with '" + query + "': "
                            + bad.output()).isNotZero();
                }
            }
            int seconds = 8;
            try (Peer good = Peer.start("publish-rtmp.sh", sluice.rtmp("live/secure") + "?user=pubuser&pass=pubsecret",
                    Integer.toString(seconds))) {
                Thread.sleep(2000);
                assertThat(sluice.server().paths().get("live/secure").hasPublisher()).as(good.output()).isTrue();
                try (Peer noCreds = Peer.start("read-rtmp.sh", sluice.rtmp("live/secure"), "3");
                        Peer reader = Peer.start("read-rtmp.sh",
                                sluice.rtmp("live/secure") + "?user=readuser&pass=readsecret", "4")) {
                    noCreds.await(Duration.ofSeconds(30));
                    reader.await(Duration.ofSeconds(30));
                    assertThat(noCreds.result("READ").get("frames")).as("reader without credentials: "
                            + noCreds.output()).isEqualTo("0");
                    Map<String, String> r = reader.result("READ");
                    assertThat(r.get("video")).as(reader.output()).isEqualTo("h264");
                    assertThat(Integer.parseInt(r.get("frames"))).as(reader.output()).isGreaterThan(45);
                }
                assertThat(good.await(Duration.ofSeconds(seconds + 30))).as(good.output()).isZero();
            }
        }
    }
}
