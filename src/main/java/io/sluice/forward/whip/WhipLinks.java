package io.sluice.forward.whip;

import io.sluice.forward.DestContext;
import io.sluice.net.webrtc.WebrtcStreamWriter;
import io.sluice.net.webrtc.WebrtcTransport;
import io.sluice.protocol.rtp.SendSideEstimator;
import io.sluice.protocol.webrtc.Egress;
import io.sluice.protocol.webrtc.EgressTrack;
import io.sluice.protocol.webrtc.Extmap;
import io.sluice.protocol.webrtc.WebrtcMedia;
import io.sluice.protocol.webrtc.WebrtcSession;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;

/**
 * WhipLinks sets up one WHIP session's link monitoring: transport-wide numbering when the remote's answer
 * kept the transport-wide-cc extension, a {@link WhipLink} fed by the writer's RTCP and a
 * {@link KeyframeOnlyGate} on its packets. Kept apart from {@link WhipDest} so the session code only
 * calls {@link #attach} and ticks.
 */
final class WhipLinks {
    /** How often the link figures and the slow-link decision are updated. */
    static final long TICK_NANOS = 1_000_000_000L;

    private WhipLinks() {
    }

    /** Wires the monitor into {@code writer} (before it starts) and returns it. */
    static WhipLink attach(String name, WebrtcSession answer, Egress egress, WebrtcTransport transport,
            WebrtcStreamWriter writer, DestContext ctx, Logger log) {
        SendSideEstimator estimator = null;
        int ext = transportCcExtId(answer);
        if (ext > 0) {
            estimator = new SendSideEstimator();
            transport.numberTransportWide(ext, estimator);
        }
        Set<Long> ssrcs = new HashSet<>();
        for (EgressTrack t : egress.tracks()) {
            ssrcs.add(t.ssrc());
        }
        KeyframeOnlyGate gate = new KeyframeOnlyGate(ctx.stream().keyframeMedia());
        WhipLink link = new WhipLink(name, ssrcs, estimator, gate, transport::bytesSent, writer.queue()::queued,
                ctx.queueCapacity(), ctx.stream()::requestKeyframe, log);
        writer.steer(link, gate);
        return link;
    }

    /**
     * The one-byte id the answer gives the transport-wide sequence number extension (one id for the whole
     * BUNDLE, RFC 8843 §9.2), or -1 when the remote dropped it: then it sends no transport-cc feedback.
     * (GStreamer webrtcbin 1.22 answers {@code a=rtcp-fb:PT transport-cc} without the extmap, and then sends
     * no feedback: measured in WhipLinkIT; the target falls back to its receiver reports.)
     */
    static int transportCcExtId(WebrtcSession answer) {
        for (WebrtcMedia m : answer.medias()) {
            int id = m.rejected() ? -1 : m.extmapId(Extmap.TRANSPORT_WIDE_CC);
            if (id >= 1 && id <= 14) {
                return id;
            }
        }
        return -1;
    }
}
