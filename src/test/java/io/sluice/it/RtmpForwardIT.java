package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import io.sluice.forward.TrackStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RTMP in → Sluice → RTMP out, driven by third-party peers: ffmpeg publishes over RTMP, an nginx-rtmp
 * sink (and, in the second test, an ffmpeg {@code -listen 1} sink at the same time) receives the
 * forwarded stream, ffmpeg reads the local path over RTMP and over RTSP.
 */
@Timeout(180)
class RtmpForwardIT {
    static final int SECONDS = 10;
    static final int FPS = 30;
    /** A camera-like stream's length: more than the clip, so the publisher loops it once. */
    static final int CAMERA_SECONDS = 15;

    @Test
    void rtmpPublisherToAnNginxTargetAndRtmpAndRtspReaders() throws Exception {
        forward(false);
    }

    /** ffmpeg 5.1's -listen server answers FCPublish with a bare "onFCPublish" (no transaction id). */
    @Test
    void rtmpPublisherToNginxAndFfmpegTargetsAtOnceAndRtmpAndRtspReaders() throws Exception {
        forward(true);
    }

    private void forward(boolean withFfmpegSink) throws Exception {
        int nginx = Ports.tcp();
        int ffmpeg = Ports.tcp();
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: nginx
                        url: rtmp://127.0.0.1:%d/live/out
                        reconnectDelay: 500ms
                        reconnectMaxDelay: 2s
                """.formatted(nginx) + (!withFfmpegSink ? "" : """
                      - id: ffmpeg
                        url: rtmp://127.0.0.1:%d/live/out
                        reconnectDelay: 500ms
                        reconnectMaxDelay: 2s
                """.formatted(ffmpeg));
        List<String> ids = withFfmpegSink ? List.of("nginx", "ffmpeg") : List.of("nginx");
        List<Peer> sinks = new ArrayList<>();
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sinkNginx = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(SECONDS + 10));
                Peer sinkFfmpeg = !withFfmpegSink ? null : Peer.start("sink-rtmp.sh",
                        Map.of("IMPL", "ffmpeg", "KEY", "out"), Integer.toString(ffmpeg), Integer.toString(SECONDS + 10))) {
            sinks.add(sinkNginx);
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sinkNginx.output()).isTrue();
            if (sinkFfmpeg != null) {
                sinks.add(sinkFfmpeg);
                assertThat(Ports.awaitListening(ffmpeg, Duration.ofSeconds(10))).as(sinkFfmpeg.output()).isTrue();
            }
            List<DestStats> during;
            try (Peer pub = Peer.start("publish-rtmp.sh", sluice.rtmp("live/test"), Integer.toString(SECONDS))) {
                Thread.sleep(2000);
                try (Peer rtmpRead = Peer.start("read-rtmp.sh", sluice.rtmp("live/test"), "6");
                        Peer rtspRead = Peer.start("read-rtsp.sh", sluice.rtsp("live/test"), "6")) {
                    Thread.sleep(2000);
                    during = sluice.server().paths().get("live/test").forwardStats();
                    rtmpRead.await(Duration.ofSeconds(60));
                    rtspRead.await(Duration.ofSeconds(60));
                    for (Peer reader : List.of(rtmpRead, rtspRead)) {
                        MediaChecks.assertRead(reader, 90, 140);
                    }
                }
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            }
            assertThat(during).extracting(DestStats::id).containsExactlyElementsOf(ids);
            assertThat(during).allSatisfy(s -> {
                assertThat(s.state()).as(s.toString()).isEqualTo(DestState.FORWARDING);
                assertThat(s.protocol()).isEqualTo("rtmp");
                assertThat(s.bytes()).as(s.toString()).isPositive();
                assertThat(s.tracks()).as(s.toString()).hasSize(2).allSatisfy(t -> {
                    assertThat(t.forwarded()).as(t.toString()).isTrue();
                    assertThat(t.reason()).isEmpty();
                });
                assertThat(s.tracks()).extracting(TrackStatus::codec).map(String::toUpperCase)
                        .anySatisfy(c -> assertThat(c).contains("264"));
            });
            List<DestStats> after = sluice.server().paths().get("live/test").forwardStats();
            assertThat(after).allSatisfy(s -> {
                assertThat(s.packets()).as(s.toString()).isGreaterThanOrEqualTo(MediaChecks.lossless(SECONDS * FPS, FPS));
                assertThat(s.bytes()).as(s.toString()).isGreaterThan(s.packets() * 100);
                assertThat(s.dropped()).as(s.toString()).isZero();
                assertThat(s.reconnects()).as(s.toString()).isZero();
            });
            for (Peer sink : sinks) {
                Map<String, String> r = MediaChecks.assertReceived(sink, SECONDS);
                assertThat(r.get("sessions")).as(sink.output()).isEqualTo("1");
            }
        }
    }

    /**
     * A camera-like stream (CameraClip: H264 High with B-frames, 6 Mbit/s 720p, GOP 4 s, AAC) to an nginx-rtmp
     * target that is up before the publisher: every frame the publisher sent must arrive.
     */
    @Test
    void cameraStreamReachesAnNginxTargetWhole() throws Exception {
        CameraClip.file(); // encoded before any peer\'s clock starts
        int nginx = Ports.tcp();
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: nginx
                        url: rtmp://127.0.0.1:%d/live/out
                """.formatted(nginx);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sink = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(CAMERA_SECONDS + 10))) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            try (Peer pub = CameraClip.publishRtmp(sluice.rtmp("live/test"), CAMERA_SECONDS)) {
                assertThat(pub.await(Duration.ofSeconds(CAMERA_SECONDS + 60))).as(pub.output()).isZero();
                DestStats s = sluice.server().paths().get("live/test").forwardStats().getFirst();
                assertThat(s.dropped()).as(s.toString()).isZero();
                assertThat(s.reconnects()).as(s.toString()).isZero();
                Map<String, String> r = MediaChecks.assertReceivedCamera(sink, pub);
                assertThat(r.get("sessions")).as(sink.output()).isEqualTo("1");
            }
        }
    }
}
