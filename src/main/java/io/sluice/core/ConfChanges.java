package io.sluice.core;

import io.sluice.conf.Conf;
import java.lang.reflect.RecordComponent;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * ConfChanges says which parts of the server a configuration change touches. Each component of
 * {@link Conf} is one part's record (the RTSP server's, the API's...); a component whose record changed
 * touches the part in {@link #EFFECTS}. The components are found by reflection, so a new one cannot be
 * forgotten here (a test checks that each is classified); a new key inside a component needs nothing here.
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

    /** The part each component of {@link Conf} belongs to. */
    static final Map<String, Part> EFFECTS = Map.ofEntries(
            Map.entry("log", Part.LIVE),
            // a TLS setting restarts only the listener it encrypts; the files' contents are read when a listener
            // starts, so a renewed certificate written over the same path takes effect on its next restart
            Map.entry("rtsp", Part.RTSP),
            Map.entry("rtmp", Part.RTMP),
            Map.entry("srt", Part.SRT),
            Map.entry("webrtc", Part.WEBRTC),
            Map.entry("api", Part.API),
            Map.entry("metrics", Part.METRICS),
            // read when a session or a forward attempt starts: the next ones get the new value
            Map.entry("io", Part.LIVE),
            // read when a stream starts: the next publishers' streams get the new bounds
            Map.entry("gopCache", Part.LIVE),
            // read at each accept, request and path creation (servers hold a supplier of the current limits):
            // a lower limit refuses new connections and keeps the ones already open
            Map.entry("limits", Part.LIVE),
            // the authorizer is swapped for every server at once; sessions already admitted stay
            Map.entry("auth", Part.LIVE),
            // read when a connection opens: the next connections run the new commands
            Map.entry("connHooks", Part.LIVE),
            Map.entry("paths", Part.PATHS));

    /**
     * Settings inside a component that its running server applies to the next sessions (its update), so
     * that changing them alone does not restart it.
     */
    static final Map<String, Set<String>> APPLIED_LIVE = Map.of("rtsp", Set.of("transports", "authMethods"));

    private ConfChanges() {
    }

    /** The parts a change from {@code old} to {@code next} touches; an unclassified change touches all. */
    static Set<Part> between(Conf old, Conf next) {
        Set<Part> out = EnumSet.noneOf(Part.class);
        for (RecordComponent c : Conf.class.getRecordComponents()) {
            Object a = value(c, old);
            Object b = value(c, next);
            if (Objects.equals(a, b)) {
                continue;
            }
            Part p = EFFECTS.get(c.getName());
            Set<String> live = APPLIED_LIVE.getOrDefault(c.getName(), Set.of());
            if (p == null) {
                out.addAll(EnumSet.allOf(Part.class));
            } else if (!live.isEmpty() && onlyLiveChanged((Record) a, (Record) b, live)) {
                out.add(Part.LIVE);
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /** Whether the two records differ only in the named components. */
    private static boolean onlyLiveChanged(Record a, Record b, Set<String> live) {
        for (RecordComponent c : a.getClass().getRecordComponents()) {
            if (!live.contains(c.getName()) && !Objects.equals(value(c, a), value(c, b))) {
                return false;
            }
        }
        return true;
    }

    private static Object value(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + r.getClass().getSimpleName() + "." + c.getName(), e);
        }
    }
}
