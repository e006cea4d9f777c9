package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.forward.DestStats;
import io.sluice.net.srt.SrtException;
import io.sluice.net.srt.SrtOptions;
import io.sluice.net.srt.SrtReject;
import io.sluice.net.srt.SrtSocket;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What must not disturb a running SRT session: callers refused at handshake time (unknown path,
 * wrong credentials, wrong or missing passphrase, a second publisher, a malformed streamid), each with
 * its SRT reject reason; garbage datagrams on the SRT port; and a forward target that goes away and
 * comes back (the forwarder reconnects).
 */
@Timeout(180)
class SrtRobustnessIT {
    static final String PUBLISH_PW = "publish-passphrase-1";
    static final String READ_PW = "read-passphrase-22";

    @Test
    void refusedCallersAndGarbageDoNotDisturbTheSession() throws Exception {
        String yaml = """
                paths:
                  secure:
                    overridePublisher: no   # a second publisher is refused (CONFLICT), not let take over
                    srtPublishPassphrase: %s
                    srtReadPassphrase: %s
                  locked:
                    publishUser: alice
                    publishPass: pw
                """.formatted(PUBLISH_PW, READ_PW);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer pub = Peer.start("publish-srt.sh", sluice.srt() + "?passphrase=" + PUBLISH_PW, "publish:secure",
                        "14")) {
            InetSocketAddress srt = new InetSocketAddress("127.0.0.1", sluice.srtPort);
            Thread.sleep(2500);
            try (Peer reader = Peer.start("read-srt.sh", sluice.srt() + "?passphrase=" + READ_PW, "read:secure", "8");
                    Peer wrongReader = Peer.start("read-srt.sh", sluice.srt() + "?passphrase=not-the-passphrase",
                            "read:secure", "4")) {
                assertThat(reject(srt, "publish:nope", "")).isEqualTo("NOT_FOUND");
                assertThat(reject(srt, "read:locked", "")).isEqualTo("NOT_FOUND"); // configured, nobody publishes
                assertThat(reject(srt, "publish:locked:alice:wrong", "")).isEqualTo("UNAUTHORIZED");
                assertThat(reject(srt, "publish:locked", "")).isEqualTo("UNAUTHORIZED");
                assertThat(reject(srt, "publish:secure", PUBLISH_PW)).isEqualTo("CONFLICT");
                assertThat(reject(srt, "play:secure", "")).isEqualTo("BAD_REQUEST");
                assertThat(reject(srt, "#!::r=secure,m=bidirectional", "")).isEqualTo("BAD_MODE");
                assertThat(reject(srt, "read:secure", "wrong-passphrase-123")).isEqualTo("BADSECRET");
                assertThat(reject(srt, "read:secure", "")).isIn("UNSECURE", "BADSECRET");
                // the same refusal seen by a third-party caller: srt-live-transmit reports the listener's reject
                try (Peer slt = Peer.command("slt-caller", Map.of(), java.util.List.of("timeout", "-k", "2", "4",
                        "srt-live-transmit", "udp://127.0.0.1:" + Ports.udp(),
                        "srt://127.0.0.1:" + sluice.srtPort + "?streamid=publish:nope"))) {
                    assertThat(slt.awaitLine("REJECT", Duration.ofSeconds(6))).as(slt.output()).isTrue();
                    assertThat(slt.output()).doesNotContain("SRT target connected");
                }
                garbage(sluice.srtPort);
                reader.await(Duration.ofSeconds(60));
                wrongReader.await(Duration.ofSeconds(60));
                Map<String, String> r = reader.result("READ");
                assertThat(r.get("video")).as(reader.output()).isEqualTo("h264");
                assertThat(r.get("audio")).as(reader.output()).isEqualTo("aac");
                assertThat(Integer.parseInt(r.get("frames"))).as(reader.output()).isGreaterThan(150);
                assertThat(wrongReader.result("READ").get("video")).as(wrongReader.output()).isEqualTo("none");
            }
            assertThat(pub.await(Duration.ofSeconds(60))).as(pub.output()).isZero();
            assertThat(Integer.parseInt(pub.result("PUBLISHED").get("video_frames"))).isGreaterThan(300);
        }
    }

    /** Connects with our own libsrt caller and returns the reject reason's name. */
    private static String reject(InetSocketAddress srt, String streamId, String passphrase) {
        SrtOptions o = new SrtOptions(120, passphrase, 0, streamId, 3000, 5000);
        SrtException[] caught = new SrtException[1];
        assertThatThrownBy(() -> {
            try {
                SrtSocket.connect(srt, o).close();
            } catch (SrtException e) {
                caught[0] = e;
                throw e;
            }
        }).as(streamId).isInstanceOf(SrtException.class);
        return SrtReject.name(caught[0].rejectReason());
    }

    /** Random datagrams, some shaped like SRT control packets, from another socket. */
    private static void garbage(int port) throws Exception {
        Random rnd = new Random(42);
        try (DatagramSocket s = new DatagramSocket()) {
            for (int i = 0; i < 300; i++) {
                byte[] b = new byte[1 + rnd.nextInt(1400)];
                rnd.nextBytes(b);
                if (i % 3 == 0 && b.length >= 16) {
                    b[0] = (byte) 0x80; // control bit set: a bogus handshake/ack
                }
                s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
            }
        }
    }

    @Test
    void aTargetThatRestartsIsReconnected() throws Exception {
        int port = Ports.udp();
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: srt
                        url: srt://127.0.0.1:%d?streamid=publish:again
                        reconnectDelay: 300ms
                        reconnectMaxDelay: 1s
                """.formatted(port);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer pub = Peer.start("publish-srt.sh", sluice.srt(), "publish:live/test", "22")) {
            try (Peer first = Peer.start("sink-srt.sh", Integer.toString(port), "7")) {
                first.await(Duration.ofSeconds(40));
                assertThat(Integer.parseInt(first.result("RECEIVED").get("frames"))).as(first.output()).isGreaterThan(60);
            }
            try (Peer second = Peer.start("sink-srt.sh", Integer.toString(port), "9")) {
                second.await(Duration.ofSeconds(40));
                Map<String, String> r = second.result("RECEIVED");
                assertThat(r.get("video")).as(second.output()).isEqualTo("h264");
                // back within the backoff, from a keyframe: most of the 9 s arrive
                assertThat(Integer.parseInt(r.get("frames"))).as(second.output()).isGreaterThan(150);
                assertThat(r.get("streamids")).isEqualTo("publish:again");
            }
            DestStats s = sluice.server().paths().get("live/test").forwardStats().getFirst();
            assertThat(s.reconnects()).as(s.toString()).isGreaterThanOrEqualTo(1);
            assertThat(pub.await(Duration.ofSeconds(60))).as(pub.output()).isZero();
        }
    }

    /**
     * More srt:// targets than cores (CI has 2): each session's waiting must not hold a carrier thread,
     * or the targets beyond the core count starve and the publisher's loop stalls behind them.
     */
    @Test
    void moreTargetsThanCoresAllForward() throws Exception {
        int n = Math.max(5, Runtime.getRuntime().availableProcessors() + 3);
        StringBuilder yaml = new StringBuilder("paths:\n  live/test:\n    forwardTargets:\n");
        java.util.List<Peer> sinks = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                int port = Ports.udp();
                yaml.append("      - id: t").append(i).append("\n        url: srt://127.0.0.1:").append(port)
                        .append("?streamid=publish:t").append(i).append("\n        reconnectDelay: 300ms\n");
                // srt-live-transmit listeners (the SRT reference app), output thrown away
                sinks.add(Peer.command("slt-" + i, Map.of(), java.util.List.of("timeout", "-s", "INT", "-k", "3", "25",
                        "bash", "-c", "srt-live-transmit -q 'srt://127.0.0.1:" + port + "?mode=listener' file://con"
                                + " > /dev/null")));
                assertThat(Ports.awaitUdpBound(port, Duration.ofSeconds(10))).isTrue();
            }
            try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml.toString());
                    Peer pub = Peer.start("publish-srt.sh", sluice.srt(), "publish:live/test", "10")) {
                Thread.sleep(7000);
                java.util.List<DestStats> stats = sluice.server().paths().get("live/test").forwardStats();
                assertThat(stats).hasSize(n).allSatisfy(st -> {
                    assertThat(st.state()).as(st.toString()).isEqualTo(io.sluice.forward.DestState.FORWARDING);
                    assertThat(st.link().get("pktSent").longValue()).as(st.toString()).isGreaterThan(200);
                });
                assertThat(pub.await(Duration.ofSeconds(60))).as(pub.output()).isZero();
            }
        } finally {
            sinks.forEach(Peer::close);
        }
    }
}
