package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import java.time.Duration;
import java.util.List;
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
                    MediaChecks.assertRead(reader, 90, 130);
                }
                DestStats s = sluice.server().paths().get("live/test").forwardStats().getFirst();
                assertThat(s.state()).as(s.toString()).isEqualTo(DestState.FORWARDING);
                assertThat(s.tracks()).as(s.toString()).hasSize(2).allSatisfy(t -> assertThat(t.forwarded()).isTrue());
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            }
            MediaChecks.assertReceived(sink, SECONDS);
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
                    MediaChecks.assertRead(rtspRead, 90, 130);
                    MediaChecks.assertRead(rtmpRead, 90, 130);
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
            MediaChecks.assertReceived(sinkRtsp, SECONDS);
            MediaChecks.assertReceived(sinkRtmp, SECONDS);
        }
    }
}
