package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.conf.ConfDocument;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The training workload's inputs: its configuration must load, its ports are free ones picked at run time (a renamed key would otherwise be found only
 * when a build records the AOT cache, as a cache that covers less), and the clip must be whole MPEG-TS.
 */
class TrainingTest {
    @Test
    void configurationLoadsAndForwardsThroughEveryProtocol() throws Exception {
        Training.Ports p = new Training.Ports(18554, 18000, 11935, 19997, 15000, 18889);
        ConfDocument doc = ConfDocument.parse(Training.yaml(p), "training");
        assertThat(doc.warnings()).isEmpty();
        assertThat(doc.yaml(false)).contains("rtmp://127.0.0.1:11935/train/rtmp", "rtsp://127.0.0.1:18554/train/rtsp",
                "udp+mpegts://127.0.0.1:15000", "whip://127.0.0.1:18889/train/webrtc/whip", "127.0.0.1:18889",
                "127.0.0.1:19997", "127.0.0.1:18000");
        for (String last : Training.LAST_HOPS) {
            assertThat(doc.yaml(false)).contains("/" + last);
        }
    }

    /**
     * Ports are picked free at run time: a training next to a running server (here: the first pick's ports,
     * held bound) or a second training gets other ports, never fixed ones.
     */
    @Test
    void portsArePickedFreeAndDistinct() throws Exception {
        Training.Ports a = Training.Ports.pick();
        List<Integer> tcp = List.of(a.rtsp(), a.rtmp(), a.api(), a.webrtc());
        assertThat(tcp).doesNotHaveDuplicates().doesNotContain(8554, 1935, 9997, 8889, 11935, 18554);
        assertThat(a.rtp() % 2).isZero();
        List<AutoCloseable> held = new ArrayList<>();
        try {
            for (int port : tcp) {
                held.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
            }
            held.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), a.rtp())));
            held.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), a.udp())));
            Training.Ports b = Training.Ports.pick();
            assertThat(List.of(b.rtsp(), b.rtmp(), b.api(), b.webrtc())).doesNotHaveDuplicates()
                    .doesNotContainAnyElementsOf(tcp);
            assertThat(b.rtp()).isNotEqualTo(a.rtp());
            assertThat(b.udp()).isNotEqualTo(a.udp());
        } finally {
            for (AutoCloseable c : held) {
                c.close();
            }
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
