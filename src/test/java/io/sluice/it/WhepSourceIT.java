package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.SourceState;
import io.sluice.control.SourceStats;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code source: whep://}: GStreamer's webrtcbin serves H264 + opus over WHEP (serve-whep.sh); Sluice pulls it
 * as an edge reads an origin, an ffprobe RTSP reader decodes the path and an RTSP RECORD target
 * ({@link RtspRecordServer}) gets it forwarded: codecs kept, frames decoded, not one RTP sequence gap on the way
 * out. When the WHEP server stops, the source backs off with the error in its stats.
 */
@Timeout(240)
class WhepSourceIT {
    static final int SERVE_SECONDS = 30;
    static final int READ_SECONDS = 6;
    static final double OPUS_FPS = 50;

    @Test
    void webrtcbinWhepServerToAnRtspReaderAndTargetThenBackoffWhenItStops() throws Exception {
        int whep = Ports.tcp();
        try (RtspRecordServer rec = new RtspRecordServer()) {
            String yaml = """
                    paths:
                      cam:
                        source: whep://127.0.0.1:%d/cam/whep
                        sourceReconnectDelay: 500ms
                        sourceReconnectMaxDelay: 2s
                        forwardTargets:
                          - id: rec
                            url: rtsp://127.0.0.1:%d/out
                            rtspConfig: {transport: tcp}
                    """.formatted(whep, rec.port());
            // Sluice first: its source finds the port closed and retries until the server is up
            try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                    Peer server = Peer.start("serve-whep.sh", Integer.toString(whep), Integer.toString(SERVE_SECONDS))) {
                long start = System.nanoTime();
                assertThat(Wait.until(() -> state(sluice) == SourceState.READY, Duration.ofSeconds(30)))
                        .as("source ready: " + stats(sluice) + "\n" + server.output()).isTrue();
                double toReady = (System.nanoTime() - start) / 1e9;
                SourceStats s = stats(sluice);
                System.out.println("SOURCE ready after " + toReady + " s: " + s);
                if (s.reconnects() > 0) { // the server was not up at the first attempt: refused, named, retried
                    assertThat(s.lastError()).as(s.toString()).contains("127.0.0.1:" + whep).contains("refused");
                }
                assertThat(s.type()).isEqualTo("webRTCSource");
                assertThat(s.tracks()).as(s.toString()).containsExactly("H264", "OPUS");

                Map<String, String[]> read = UdpMpegtsSourceIT.decode(sluice.rtsp("cam"), READ_SECONDS);
                assertThat(read.get("video")[0]).as("video codec").isEqualTo("h264");
                assertThat(read.get("audio")[0]).as("audio codec").isEqualTo("opus");
                // a reader starts at the cached keyframe (GOP 1 s) and probes for up to a second
                assertThat(read.get("video")[1]).as("video frames decoded").matches("\\d+");
                assertThat(Integer.parseInt(read.get("video")[1])).as("video frames decoded")
                        .isGreaterThan((READ_SECONDS - 2) * MediaChecks.FPS);
                assertThat(Integer.parseInt(read.get("audio")[1])).as("audio frames decoded")
                        .isGreaterThan((int) ((READ_SECONDS - 2) * OPUS_FPS));

                assertThat(server.await(Duration.ofSeconds(SERVE_SECONDS + 30))).as(server.output()).isZero();
                Map<String, String> served = server.result("SERVED");
                assertThat(served.get("sessions")).as(server.output()).isEqualTo("1");
                // the server's silence ends the session after readTimeout; then its port refuses: backoff
                assertThat(Wait.until(() -> state(sluice) == SourceState.BACKOFF && !stats(sluice).lastError().isEmpty(),
                        Duration.ofSeconds(30))).as(String.valueOf(stats(sluice))).isTrue();
                SourceStats after = stats(sluice);
                System.out.println("SOURCE after the server stopped: " + after);
                assertThat(after.nextRetry()).as(after.toString()).isNotNull();
                assertThat(after.lastError()).as(after.toString()).containsAnyOf("no media from the WHEP server",
                        "WHEP", "127.0.0.1:" + whep);

                // every frame served after Sluice was ready (less a second for the first keyframe), no RTP gap
                int videoServed = Integer.parseInt(served.get("video_frames"));
                double videoAfterReady = videoServed - (toReady + 1) * MediaChecks.FPS;
                MediaChecks.assertNoRtpGaps(rec, videoAfterReady);
            }
        }
    }

    private static SourceStats stats(SluiceUnderTest sluice) {
        var path = sluice.server().paths().get("cam");
        return path == null ? null : path.sourceStats();
    }

    private static SourceState state(SluiceUnderTest sluice) {
        SourceStats s = stats(sluice);
        return s == null ? null : s.state();
    }
}
