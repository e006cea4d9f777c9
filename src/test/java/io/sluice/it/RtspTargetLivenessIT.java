package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An RTSP target over UDP is alive only while its RTCP receiver reports come back: GStreamer's RECORD
 * server sends them (its loss and jitter figures show in the target's link stats); ffmpeg's listen
 * mode never does, so it needs the check off; a target whose
 * RTCP never comes back fails the session within the bound (transport udp) or is moved to TCP
 * (transport automatic), where it stays.
 */
@Timeout(120)
class RtspTargetLivenessIT {
    static final int SECONDS = 14;

    private static DestStats stats(SluiceUnderTest sluice, String id) {
        return sluice.server().paths().get("live/test").forwardStats().stream().filter(s -> s.id().equals(id))
                .findFirst().orElseThrow();
    }

    @Test
    void receiverReportsOfGstreamerAndFfmpegShowInLinkStats() throws Exception {
        int gst = Ports.tcp();
        int ff = Ports.tcp();
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: gst
                        url: rtsp://127.0.0.1:%d/live/b
                        rtspConfig: {transport: udp}
                      - id: ffmpeg
                        url: rtsp://127.0.0.1:%d/live/a
                        rtspConfig: {transport: udp, udpReceiverReportTimeout: 0s}
                """.formatted(gst, ff);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sinkGst = Peer.start("sink-rtsp.sh", Map.of("IMPL", "gst"), Integer.toString(gst), "live/b",
                        Integer.toString(SECONDS + 8));
                Peer sinkFf = Peer.start("sink-rtsp.sh", Integer.toString(ff), "live/a", Integer.toString(SECONDS + 8))) {
            assertThat(sinkGst.awaitLine("listening", Duration.ofSeconds(10))).as(sinkGst.output()).isTrue();
            Thread.sleep(500);
            try (Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/test"), Integer.toString(SECONDS))) {
                Thread.sleep((SECONDS - 2) * 1000L);
                for (String id : List.of("gst", "ffmpeg")) {
                    DestStats s = stats(sluice, id);
                    assertThat(s.state()).as(id + " " + s).isEqualTo(DestState.FORWARDING);
                    assertThat(s.reconnects()).as(id + " stayed in its first session: " + s).isZero();
                }
                Map<String, Number> link = stats(sluice, "gst").link();
                // GStreamer's rtpbin reports every ~5 s (first one sooner)
                assertThat(link.get("receiverReports").longValue()).as(link.toString()).isGreaterThan(1);
                assertThat(link.get("fractionLost").doubleValue()).as(link.toString()).isBetween(0.0, 0.05);
                assertThat(link.get("packetsLost").longValue()).as(link.toString()).isBetween(0L, 50L);
                assertThat(link.get("jitterMs").doubleValue()).as(link.toString()).isBetween(0.0, 1000.0);
                // ffmpeg -rtsp_flags listen sends its receiver reports to its own RTCP port, never to the
                // client: with the check off (udpReceiverReportTimeout: 0s) it keeps forwarding over UDP
                assertThat(stats(sluice, "ffmpeg").link().get("receiverReports").longValue()).isZero();
                pub.await(Duration.ofSeconds(SECONDS + 30));
            }
        }
    }

    @Test
    void silentUdpTargetBacksOffAndAutomaticMovesToTcpForGood() throws Exception {
        try (RtspRecordServer udpTarget = new RtspRecordServer();
                RtspRecordServer autoTarget = new RtspRecordServer()) {
            String yaml = """
                    paths:
                      live/test:
                        forwardTargets:
                          - id: udp
                            url: rtsp://127.0.0.1:%d/t/udp
                            reconnectDelay: 5s
                            reconnectMaxDelay: 5s
                            rtspConfig: {transport: udp, udpReceiverReportTimeout: 2s}
                          - id: auto
                            url: rtsp://127.0.0.1:%d/t/auto
                            reconnectDelay: 500ms
                            reconnectMaxDelay: 1s
                            rtspConfig: {transport: automatic, udpReceiverReportTimeout: 2s}
                    """.formatted(udpTarget.port(), autoTarget.port());
            try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                    Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/test"), Integer.toString(SECONDS))) {
                assertThat(Wait.until(() -> stats(sluice, "udp").state() == DestState.FORWARDING,
                        Duration.ofSeconds(15))).as("udp target up").isTrue();
                long up = System.nanoTime();
                // 2 s bound, checked every second: backoff within ~3 s, allow for a loaded machine
                assertThat(Wait.until(() -> stats(sluice, "udp").state() == DestState.BACKOFF,
                        Duration.ofSeconds(8))).as("udp target backs off: " + stats(sluice, "udp")).isTrue();
                double took = (System.nanoTime() - up) / 1e9;
                assertThat(took).as("seconds to back off").isBetween(1.5, 6.0);
                assertThat(stats(sluice, "udp").lastError()).contains("receiver report");
                assertThat(udpTarget.rtpPackets.get()).as("it did get media over UDP").isPositive();

                // automatic: UDP first, then TCP in the same attempt, forwarding there
                assertThat(Wait.until(() -> autoTarget.setups.stream().anyMatch(t -> t.contains("TCP")),
                        Duration.ofSeconds(10))).as("auto target SETUPs: " + autoTarget.setups).isTrue();
                assertThat(autoTarget.setups.getFirst()).doesNotContain("TCP");
                Thread.sleep(2500);
                assertThat(stats(sluice, "auto").state()).as(stats(sluice, "auto").toString())
                        .isEqualTo(DestState.FORWARDING);
                long tcpPackets = autoTarget.rtpPackets.get();
                Thread.sleep(1000);
                assertThat(autoTarget.rtpPackets.get()).as("media flows over TCP").isGreaterThan(tcpPackets);

                // the target restarts: the next session goes straight to TCP
                int before = autoTarget.setups.size();
                autoTarget.dropSessions();
                assertThat(Wait.until(() -> autoTarget.setups.size() > before + 1, Duration.ofSeconds(10)))
                        .as("auto target reconnects: " + autoTarget.setups).isTrue();
                List<String> after;
                synchronized (autoTarget.setups) {
                    after = new ArrayList<>(autoTarget.setups.subList(before, autoTarget.setups.size()));
                }
                assertThat(after).as("after the fallback, only TCP").allMatch(t -> t.contains("TCP"));
                pub.close();
            }
        }
    }
}
