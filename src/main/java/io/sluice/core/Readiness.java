package io.sluice.core;

import io.sluice.conf.Conf;
import io.sluice.control.ReadinessInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Readiness is the server's phase (starting, running, stopping) and the enabled listeners that are not
 * running, as {@link Server} sets them: at the end of a start, after each configuration change (a listener
 * whose new address is taken stays down) and at the start of a close. Read from any thread without the
 * server's lock, so that a probe is answered while a start or a reload holds it.
 */
final class Readiness {

    /** The server's phase; a probe sees "starting" from the API's bind to the last listener's. */
    enum Phase {
        STARTING, RUNNING, STOPPING
    }

    private record State(Phase phase, List<String> down) {
    }

    private volatile State state = new State(Phase.STARTING, List.of());

    /**
     * The server runs; {@code down} names each enabled listener that is not running, e.g. "rtmp server not
     * running (rtmpAddress :1935)".
     */
    void running(List<String> down) {
        if (state.phase() != Phase.STOPPING) {
            state = new State(Phase.RUNNING, List.copyOf(down));
        }
    }

    /** The server is closing: no longer ready, for good. */
    void stopping() {
        state = new State(Phase.STOPPING, List.of());
    }

    /**
     * Each listener the configuration enables whose server is not running (null: its start or restart failed),
     * e.g. "rtmp server not running (rtmpAddress :1935)".
     */
    static List<String> down(Conf c, Object rtsp, Object rtmp, Object srt, Object webrtc, Object metrics) {
        List<String> out = new ArrayList<>();
        notRunning(out, "rtsp", c.rtsp().enabled(), rtsp, "rtspAddress " + c.rtsp().address());
        notRunning(out, "rtmp", c.rtmp().enabled(), rtmp, "rtmpAddress " + c.rtmp().address());
        notRunning(out, "srt", c.srt().enabled(), srt, "srtAddress " + c.srt().address());
        notRunning(out, "webrtc", c.webrtc().enabled(), webrtc, "webrtcAddress " + c.webrtc().address());
        notRunning(out, "metrics", c.metrics().enabled(), metrics, "metricsAddress " + c.metrics().address());
        return out;
    }

    private static void notRunning(List<String> out, String name, boolean enabled, Object server, String where) {
        if (enabled && server == null) {
            out.add(name + " server not running (" + where + ")");
        }
    }

    ReadinessInfo info() {
        State s = state;
        return switch (s.phase()) {
            case STARTING -> new ReadinessInfo("starting", List.of("starting: the listeners are being bound"));
            case RUNNING -> new ReadinessInfo("running", s.down());
            case STOPPING -> new ReadinessInfo("stopping", List.of("stopping"));
        };
    }
}
