package io.sluice.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LinkFigures maps the transport figures of {@code DestStats.link()} to metrics with a unit. The names
 * come from {@code SrtDest.link()} (libsrt's {@code srt_bstats}) and {@code WebrtcStreamWriter.figures()}
 * (RTCP receiver reports, NACK/PLI/FIR), {@code WhipLink.figures()} (WHIP link estimate, keyframe-only
 * mode) and {@code RtspDest} (RTCP receiver reports); RTMP targets
 * report none. Each figure name becomes at
 * most one series per target, so a transport that grows new figures never adds label values: figures
 * not listed here are not exported.
 */
final class LinkFigures {

    /**
     * One exported link metric.
     *
     * @param name metric name without the {@code _total} a counter gets in the exposition
     * @param counter true when the figure only grows within a session (a new session restarts it, which
     *     Prometheus' rate() reads as a counter reset)
     * @param help the HELP text
     * @param sources figure name → factor to the metric's unit; figures of one metric are summed
     */
    record Metric(String name, boolean counter, String help, Map<String, Double> sources) {
    }

    private static final double MS = 1e-3;

    static final List<Metric> METRICS = List.of(
            new Metric("sluice_forward_target_rtt_seconds", false,
                    "Round-trip time to the target (SRT: libsrt's smoothed RTT; WHIP: from RTCP receiver reports)",
                    Map.of("rttMs", MS)),
            new Metric("sluice_forward_target_loss_ratio", false,
                    "Fraction of packets lost in the last RTCP receiver report interval (WHIP, RTSP), 0..1",
                    Map.of("fractionLost", 1.0)),
            new Metric("sluice_forward_target_lost_packets", true,
                    "Packets the target reported lost in the current session (SRT: NAKed; WHIP, RTSP: RTCP cumulative lost)",
                    Map.of("pktSndLoss", 1.0, "packetsLost", 1.0)),
            new Metric("sluice_forward_target_jitter_seconds", false,
                    "Interarrival jitter the target reported in its last RTCP receiver report (RTSP; worst media)",
                    Map.of("jitterMs", MS)),
            new Metric("sluice_forward_target_retransmitted_packets", true,
                    "Packets sent again in the current session (SRT ARQ, WHIP NACK answers)",
                    Map.of("pktRetrans", 1.0, "retransmitted", 1.0)),
            new Metric("sluice_forward_target_late_dropped_packets", true,
                    "Packets SRT dropped in the current session as too late to be played (too-late packet drop)",
                    Map.of("pktSndDrop", 1.0)),
            new Metric("sluice_forward_target_send_buffer_seconds", false,
                    "Time span of packets sent but not yet acknowledged (SRT)",
                    Map.of("sndBufMs", MS)),
            new Metric("sluice_forward_target_latency_seconds", false,
                    "Negotiated SRT latency (TSBPD delay) of the current session",
                    Map.of("latencyMs", MS)),
            new Metric("sluice_forward_target_bandwidth_estimate_bytes_per_second", false,
                    "libsrt's estimate of the link bandwidth (SRT)",
                    Map.of("mbpsBandwidth", 1e6 / 8)),
            new Metric("sluice_forward_target_nacks", true,
                    "NACK messages received from the target in the current session (WHIP)",
                    Map.of("nacks", 1.0)),
            new Metric("sluice_forward_target_queued_packets", false,
                    "Packets waiting in the target's bounded queue (any protocol)",
                    Map.of("queuedPackets", 1.0)),
            new Metric("sluice_forward_target_keyframe_requests", true,
                    "PLI and FIR keyframe requests received from the target in the current session (WHIP)",
                    Map.of("plis", 1.0, "firs", 1.0)),
            new Metric("sluice_forward_target_link_estimate_bits_per_second", false,
                    "What the link to the target can carry (WHIP: from transport-cc feedback, else the remote's REMB, "
                            + "else the send rate less the receiver-reported loss)",
                    Map.of("estimateKbps", 1000.0)),
            new Metric("sluice_forward_target_link_send_bits_per_second", false,
                    "What the target's transport sent over the last second (WHIP)",
                    Map.of("sendKbps", 1000.0)),
            new Metric("sluice_forward_target_link_queue_delay_seconds", false,
                    "Queuing delay on the link to the target, from transport-cc arrival times (WHIP)",
                    Map.of("queueDelayMs", MS)),
            new Metric("sluice_forward_target_link_keyframe_only", false,
                    "1 while the target sends keyframes only because its link is too slow for the stream (WHIP)",
                    Map.of("keyframeOnly", 1.0)),
            new Metric("sluice_forward_target_link_keyframe_only_dropped_packets", true,
                    "Video packets the target dropped in its keyframe-only mode in the current session (WHIP)",
                    Map.of("keyframeOnlyDrops", 1.0)));

    private LinkFigures() {
    }

    /**
     * The metric values of one target's figures, by metric name. Negative figures mean "not known yet"
     * (WebRTC before the first receiver report) and are left out, as are NaN and infinities.
     */
    static Map<String, Double> values(Map<String, Number> link) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (link.isEmpty()) {
            return out;
        }
        for (Metric m : METRICS) {
            double sum = 0;
            boolean any = false;
            for (Map.Entry<String, Double> src : m.sources().entrySet()) {
                Number n = link.get(src.getKey());
                if (n == null) {
                    continue;
                }
                double v = n.doubleValue();
                if (v < 0 || !Double.isFinite(v)) {
                    continue;
                }
                sum += v * src.getValue();
                any = true;
            }
            if (any) {
                out.put(m.name(), sum);
            }
        }
        return out;
    }
}
