package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.conf.ConfDocument;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The training workload's inputs: its configuration must load (a renamed key would otherwise be found only
 * when a build records the AOT cache, as a cache that covers less), and the clip must be whole MPEG-TS.
 */
class TrainingTest {
    @Test
    void configurationLoadsAndForwardsThroughBothProtocols() throws Exception {
        ConfDocument doc = ConfDocument.parse(Training.yaml(18554, 18000, 11935, 19997, 15000), "training");
        assertThat(doc.warnings()).isEmpty();
        assertThat(doc.yaml(false)).contains("rtmp://127.0.0.1:11935/train/rtmp", "rtsp://127.0.0.1:18554/train/rtsp",
                "udp+mpegts://127.0.0.1:15000");
        for (String last : Training.LAST_HOPS) {
            assertThat(doc.yaml(false)).contains("/" + last);
        }
    }

    @Test
    void clipIsWholeTsPacketsOfAboutTenSeconds() throws Exception {
        byte[] clip;
        try (InputStream in = Training.class.getResourceAsStream(Training.CLIP)) {
            assertThat(in).as(Training.CLIP).isNotNull();
            clip = in.readAllBytes();
        }
        assertThat(clip.length % Training.TS_PACKET).isZero();
        for (int off = 0; off < clip.length; off += Training.TS_PACKET) {
            assertThat(clip[off]).as("sync byte at %d", off).isEqualTo((byte) 0x47);
        }
        // ~150 kbit/s for CLIP_SECONDS: the sender spreads the bytes evenly over the clip's duration
        assertThat(clip.length * 8 / Training.CLIP_SECONDS).isBetween(100_000.0, 200_000.0);
    }
}
