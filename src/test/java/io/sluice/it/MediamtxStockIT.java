package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * mediamtx's stock mediamtx.yml, with its listen addresses moved to free ports and one regex path that
 * forwards in mediamtx's syntax: it starts without a warning, does not serve the API and the metrics (the stock
 * file says api: false, metrics: false), and an ffmpeg RTSP publisher of cam7 reaches an nginx-rtmp target
 * under the name the target's dest makes of $MTX_PATH and $G1 (rtmp://…/live#$MTX_PATH-g$G1), and a GStreamer
 * RTSP sink that accepts only the path in/7 (rtsp://…/in/$G1).
 */
@Timeout(180)
class MediamtxStockIT {
    static final int SECONDS = 8;
    /** The keys SluiceUnderTest writes itself (free ports, debug log): the stock file's lines for them go. */
    private static final Pattern SET_BY_TEST = Pattern.compile("(?m)^(logLevel|rtspAddress|rtpAddress|rtcpAddress"
            + "|rtmpAddress|rtmpsAddress|srtAddress|webrtcAddress|webrtcLocalUDPAddress|apiAddress|metricsAddress):.*\\n");

    static String stockWithoutAddresses() throws Exception {
        try (InputStream in = MediamtxStockIT.class.getResourceAsStream("/mediamtx/mediamtx-003b535.yml")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return SET_BY_TEST.matcher(text).replaceAll("");
        }
    }

    @Test
    void stockFileStartsQuietlyAndForwardsUnderTheSubstitutedName() throws Exception {
        int nginx = Ports.tcp();
        int gst = Ports.tcp();
        String stock = stockWithoutAddresses();
        assertThat(stock).endsWith("paths:\n  all_others:\n");
        String yaml = stock.replace("paths:\n  all_others:\n", """
                paths:
                  "~^cam([0-9]+)$":
                    forward:
                      - dest: rtmp://127.0.0.1:%d/live#$MTX_PATH-g$G1
                      - dest: rtsp://127.0.0.1:%d/in/$G1
                  all_others:
                """.formatted(nginx, gst));
        try (LogCapture log = new LogCapture();
                SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sink = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(SECONDS + 12));
                Peer rtspSink = Peer.start("sink-rtsp.sh", Map.of("IMPL", "gst"), Integer.toString(gst), "in/7",
                        Integer.toString(SECONDS + 12))) {
            assertThat(log.messages(Level.WARN, "it.yml")).as("start-up warnings of a stock file").isEmpty();
            assertThat(sluice.server().apiPort()).as("api: false").isEqualTo(-1);
            assertThat(sluice.server().metricsPort()).as("metrics: false").isEqualTo(-1);
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            assertThat(rtspSink.awaitLine("listening", Duration.ofSeconds(10))).as(rtspSink.output()).isTrue();
            List<DestStats> during;
            try (Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("cam7"), Integer.toString(SECONDS))) {
                Thread.sleep(3000);
                during = sluice.server().paths().get("cam7").forwardStats();
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            }
            assertThat(during).allSatisfy(d -> assertThat(d.state()).as(d.toString()).isEqualTo(DestState.FORWARDING));
            assertThat(during).extracting(DestStats::url).as("the stream key is masked, $G1 expanded")
                    .containsExactly("rtmp://127.0.0.1:" + nginx + "/live#***", "rtsp://127.0.0.1:" + gst + "/in/7");
            Map<String, String> r = MediaChecks.assertReceived(sink, SECONDS);
            assertThat(r.get("sessions")).as(sink.output()).isEqualTo("1");
            List<String> streams = sink.output().lines().filter(l -> l.startsWith("STREAM ")).toList();
            assertThat(streams).as(sink.output()).isNotEmpty()
                    .allSatisfy(l -> assertThat(l).contains("file=cam7-g7"));
            Map<String, String> rtsp = MediaChecks.assertReceived(rtspSink, SECONDS);
            assertThat(rtsp.get("sessions")).as(rtspSink.output()).isEqualTo("1");
        }
    }
}
