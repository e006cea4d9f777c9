package io.sluice.core;

import io.sluice.conf.Conf;
import io.sluice.conf.TlsConf;
import java.lang.reflect.RecordComponent;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * ConfChanges says which parts of the server a configuration change touches. It compares the two
 * {@link Conf} records component by component (found by reflection, so a new setting cannot be forgotten
 * here: every component must be classified, a test checks) and maps each changed one to the parts that
 * must act on it.
 */
final class ConfChanges {

    /** What a changed setting affects. */
    enum Part {
        /** Applied to running components without restarting anything (next sessions, log level). */
        LIVE,
        RTSP, RTMP, SRT, WEBRTC, API, METRICS,
        /** The path entries: diffed path by path and target by target. */
        PATHS
    }

    static final Map<String, Set<Part>> EFFECTS = Map.ofEntries(
            Map.entry("logLevel", EnumSet.of(Part.LIVE)),
            Map.entry("rtspAddress", EnumSet.of(Part.RTSP)),
            Map.entry("rtpAddress", EnumSet.of(Part.RTSP)),
            Map.entry("rtcpAddress", EnumSet.of(Part.RTSP)),
            Map.entry("rtspTransports", EnumSet.of(Part.LIVE)),
            Map.entry("rtmpAddress", EnumSet.of(Part.RTMP)),
            Map.entry("rtmpEncryption", EnumSet.of(Part.RTMP)),
            Map.entry("rtmpsAddress", EnumSet.of(Part.RTMP)),
            Map.entry("rtmpServerKey", EnumSet.of(Part.RTMP)),
            Map.entry("rtmpServerCert", EnumSet.of(Part.RTMP)),
            Map.entry("srtAddress", EnumSet.of(Part.SRT)),
            Map.entry("webrtc", EnumSet.of(Part.WEBRTC)),
            Map.entry("apiAddress", EnumSet.of(Part.API)),
            Map.entry("metricsAddress", EnumSet.of(Part.METRICS)),
            // read when a session or a forward attempt starts: the next ones get the new value
            Map.entry("readTimeout", EnumSet.of(Part.LIVE)),
            Map.entry("writeTimeout", EnumSet.of(Part.LIVE)),
            Map.entry("writeQueueSize", EnumSet.of(Part.LIVE)),
            // the authorizer is swapped for every server at once; sessions already admitted stay
            Map.entry("authInternalUsers", EnumSet.of(Part.LIVE)),
            Map.entry("paths", EnumSet.of(Part.PATHS)),
            // read when a stream starts: the next publishers' streams get the new bounds
            Map.entry("gopCache", EnumSet.of(Part.LIVE)),
            // read at each accept, request and path creation (servers hold a supplier of the current limits):
            // a lower limit refuses new connections and keeps the ones already open
            Map.entry("limits", EnumSet.of(Part.LIVE)),
            // a changed key or certificate file path restarts the listener that serves it (see TLS_EFFECTS)
            Map.entry("tls", EnumSet.noneOf(Part.class)));

    /**
     * The parts each TLS setting touches (components of {@link TlsConf}): only the listener it encrypts
     * restarts. The files' contents are read when a listener starts; a renewed certificate written over the
     * same path takes effect on the next change that restarts it.
     */
    static final Map<String, Set<Part>> TLS_EFFECTS = Map.of(
            "rtsp", EnumSet.of(Part.RTSP),
            "rtspsAddress", EnumSet.of(Part.RTSP),
            "api", EnumSet.of(Part.API),
            "metrics", EnumSet.of(Part.METRICS),
            "webrtc", EnumSet.of(Part.WEBRTC));

    private ConfChanges() {
    }

    /** The parts a change from {@code old} to {@code next} touches; an unclassified change touches all. */
    static Set<Part> between(Conf old, Conf next) {
        Set<Part> out = changed(Conf.class, old, next, EFFECTS);
        out.addAll(changed(TlsConf.class, old.tls(), next.tls(), TLS_EFFECTS));
        return out;
    }

    private static <R extends Record> Set<Part> changed(Class<R> type, R old, R next, Map<String, Set<Part>> effects) {
        Set<Part> out = EnumSet.noneOf(Part.class);
        for (RecordComponent c : type.getRecordComponents()) {
            Object a = value(c, old);
            Object b = value(c, next);
            if (!Objects.equals(a, b)) {
                Set<Part> e = effects.get(c.getName());
                out.addAll(e == null ? EnumSet.allOf(Part.class) : e);
            }
        }
        return out;
    }

    private static Object value(RecordComponent c, Record conf) {
        try {
            return c.getAccessor().invoke(conf);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + conf.getClass().getSimpleName() + "." + c.getName(), e);
        }
    }
}
