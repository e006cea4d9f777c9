package io.sluice.net.srt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * SrtLinkFigures are libsrt's own figures of one session's link, for the stats of a forward target (the
 * sending side) or a pulled source (the receiving side): RTT, bandwidth, and the loss, drop and buffer
 * counters of that side. Once the connection is gone, the last figures read stay.
 *
 * <p>{@link #get()} may be called from any thread (API, metrics) and never blocks on the link.
 */
public final class SrtLinkFigures implements Supplier<Map<String, Number>> {
    /** Which side's counters to show. */
    public enum Side { SENDER, RECEIVER }

    private final Side side;
    private volatile SrtSocket socket;
    private volatile Map<String, Number> last = Map.of();

    public SrtLinkFigures(Side side) {
        this.side = side;
    }

    /** The connected socket of the current session. */
    public void socket(SrtSocket s) {
        socket = s;
    }

    @Override
    public Map<String, Number> get() {
        SrtSocket s = socket;
        if (s == null || s.isBroken()) {
            return last;
        }
        SrtStats st = s.stats(false);
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("rttMs", st.rttMs());
        m.put("mbpsBandwidth", st.mbpsBandwidth());
        switch (side) {
            case SENDER -> {
                m.put("pktSent", st.pktSent());
                m.put("pktRetrans", st.pktRetrans());
                m.put("pktSndLoss", st.pktSndLoss());
                m.put("pktSndDrop", st.pktSndDrop());
                m.put("byteSent", st.byteSent());
                m.put("sndBufPkts", st.sndBufPkts());
                m.put("sndBufMs", st.sndBufMs());
            }
            case RECEIVER -> {
                m.put("pktRecv", st.pktRecv());
                m.put("pktRcvLoss", st.pktRcvLoss());
                m.put("pktRcvDrop", st.pktRcvDrop());
                m.put("byteRecv", st.byteRecv());
                m.put("mbpsRecvRate", st.mbpsRecvRate());
            }
        }
        m.put("latencyMs", st.latencyMs());
        last = Map.copyOf(m);
        return last;
    }
}
