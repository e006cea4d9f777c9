package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One stream, three protocols: an RTSP publisher reaches an SRT target (MPEG-TS made from RTP), and
 * an SRT publisher (MPEG-TS demuxed into RTP and access units) reaches RTSP and RTMP targets and
 * RTSP and RTMP readers, all with third-party peers on the other side.
 */
@Timeout(180)
class SrtCrossProtocolIT {
    static final int SECONDS = 10;
    static final int FPS = 30;
    static final double AAC_FPS = 48000 / 1024.0;
    static final double MIN_SHARE = 0.8;

    @Test
    void rtspPublisherReachesAnSrtTargetAndAnSrtReader() throws Exception {
        int gst = Ports.udp();
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: srt
                        url: srt://127.0.0.1:%d?streamid=publish:from-rtsp
                        reconnectDelay: 500ms
                        reconnectMaxDelay: 2s
                """.formatted(gst);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sink = Peer.start("sink-srt.sh", Integer.toString(gst), Integer.toString(SECONDS + 8))) {
            assertThat(Ports.awaitUdpBound(gst, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            try (Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/test"), Integer.toString(SECONDS))) {
                Thread.sleep(2000);
                try (Peer reader = Peer.start("read-srt.sh", sluice.srt(), "read:live/test", "6")) {
                    reader.await(Duration.ofSeconds(60));
                    assertRead(reader);
                }
                DestStats s = sluice.server().paths().get("live/test").forwardStats().getFirst();
                assertThat(s.state()).as(s.toString()).isEqualTo(DestState.FORWARDING);
                assertThat(s.tracks()).as(s.toString()).hasSize(2).allSatisfy(t -> assertThat(t.forwarded()).isTrue());
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            }
            assertReceived(sink);
            assertThat(sink.result("RECEIVED").get("streamids")).as(sink.output()).isEqualTo("publish:from-rtsp");
        }
    }

    @Test
    void srtPublisherReachesRtspAndRtmpTargetsAndReaders() throws Exception {
        int rtspSink = Ports.tcp();
        int nginx = Ports.tcp();
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: rtsp
                        url: rtsp://127.0.0.1:%d/out
                        reconnectDelay: 500ms
                        reconnectMaxDelay: 2s
                      - id: rtmp
                        url: rtmp://127.0.0.1:%d/live/out
                        reconnectDelay: 500ms
                        reconnectMaxDelay: 2s
                """.formatted(rtspSink, nginx);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sinkRtsp = Peer.start("sink-rtsp.sh", Integer.toString(rtspSink), "out",
                        Integer.toString(SECONDS + 8));
                Peer sinkRtmp = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(SECONDS + 8))) {
            assertThat(Ports.awaitListening(rtspSink, Duration.ofSeconds(10))).as(sinkRtsp.output()).isTrue();
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sinkRtmp.output()).isTrue();
            try (Peer pub = Peer.start("publish-srt.sh", sluice.srt(), "publish:live/test", Integer.toString(SECONDS))) {
                Thread.sleep(2500);
                try (Peer rtspRead = Peer.start("read-rtsp.sh", sluice.rtsp("live/test"), "6");
                        Peer rtmpRead = Peer.start("read-rtmp.sh", sluice.rtmp("live/test"), "6")) {
                    rtspRead.await(Duration.ofSeconds(60));
                    rtmpRead.await(Duration.ofSeconds(60));
                    assertRead(rtspRead);
                    assertRead(rtmpRead);
                }
                List<DestStats> stats = sluice.server().paths().get("live/test").forwardStats();
                assertThat(stats).allSatisfy(s -> {
                    assertThat(s.state()).as(s.toString()).isEqualTo(DestState.FORWARDING);
                    assertThat(s.tracks()).as(s.toString()).hasSize(2)
                            .allSatisfy(t -> assertThat(t.forwarded()).isTrue());
                });
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            }
            // The publisher's first second is probed before the stream exists, and ffmpeg's TS muxer
            // front-loads: allow a little more than the usual margin at the start.
            assertReceived(sinkRtsp);
            assertReceived(sinkRtmp);
        }
    }

    private static void assertRead(Peer reader) {
        Map<String, String> r = reader.result("READ");
        assertThat(r.get("video")).as(reader.output()).isEqualTo("h264");
        assertThat(r.get("audio")).as(reader.output()).isEqualTo("aac");
        assertThat(Integer.parseInt(r.get("frames"))).as(reader.output()).isGreaterThan(90);
        assertThat(Integer.parseInt(r.get("frames.2"))).as("audio: " + reader.output()).isGreaterThan(130);
    }

    private static void assertReceived(Peer sink) throws InterruptedException {
        sink.await(Duration.ofSeconds(90));
        Map<String, String> r = sink.result("RECEIVED");
        assertThat(r.get("video")).as(sink.output()).isEqualTo("h264");
        assertThat(r.get("audio")).as(sink.output()).isEqualTo("aac");
        assertThat(Integer.parseInt(r.get("frames"))).as(sink.output())
                .isGreaterThanOrEqualTo((int) (SECONDS * FPS * MIN_SHARE));
        assertThat(Integer.parseInt(r.get("frames.2"))).as("audio: " + sink.output())
                .isGreaterThanOrEqualTo((int) (SECONDS * AAC_FPS * MIN_SHARE));
    }
}
