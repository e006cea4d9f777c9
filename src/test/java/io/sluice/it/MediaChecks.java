package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

/**
 * MediaChecks holds the assertions the integration tests make on what a third-party peer got: the
 * codecs and at least a share of the frames sent (margins for a noisy 2-core CI machine).
 */
final class MediaChecks {
    static final int FPS = 30;
    /** AAC at 48 kHz: 1024 samples per frame. */
    static final double AAC_FPS = 48000 / 1024.0;
    static final double MIN_SHARE = 0.8;

    private MediaChecks() {
    }

    /** A reader's READ line: H264 + AAC with more than the given frame counts. */
    static void assertRead(Peer reader, int minVideo, int minAudio) {
        Map<String, String> r = reader.result("READ");
        assertThat(r.get("video")).as(reader.output()).isEqualTo("h264");
        assertThat(r.get("audio")).as(reader.output()).isEqualTo("aac");
        assertThat(Integer.parseInt(r.get("frames"))).as(reader.output()).isGreaterThan(minVideo);
        assertThat(Integer.parseInt(r.get("frames.2"))).as("audio: " + reader.output()).isGreaterThan(minAudio);
    }

    /** Waits for a sink and checks its RECEIVED line: H264 + AAC, ≥ MIN_SHARE of {@code seconds} of frames. */
    static Map<String, String> assertReceived(Peer sink, int seconds) throws InterruptedException {
        sink.await(Duration.ofSeconds(90));
        Map<String, String> r = sink.result("RECEIVED");
        assertThat(r.get("video")).as(sink.output()).isEqualTo("h264");
        assertThat(r.get("audio")).as(sink.output()).isEqualTo("aac");
        assertThat(Integer.parseInt(r.get("frames"))).as(sink.output())
                .isGreaterThanOrEqualTo((int) (seconds * FPS * MIN_SHARE));
        assertThat(Integer.parseInt(r.get("frames.2"))).as("audio: " + sink.output())
                .isGreaterThanOrEqualTo((int) (seconds * AAC_FPS * MIN_SHARE));
        return r;
    }
}
