package io.sluice.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sluice.control.Control;
import io.sluice.control.Control.TargetInfo;
import io.sluice.control.PathInfo;
import io.sluice.control.RefusalCount;
import io.sluice.control.SessionInfo;
import io.sluice.control.SourceState;
import io.sluice.control.SourceStats;
import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ControlCollector turns what {@link Control} shows at scrape time into Sluice's metric families: paths,
 * their pull sources, forward targets and sessions. Nothing is cached between scrapes, so a removed path or target has no
 * series in the next scrape.
 *
 * <p>Labels are only names an operator chose (path, target id) and small closed sets (protocol, state,
 * role). Target URLs are never labels: they can carry credentials, and the id already names the target.
 */
final class ControlCollector implements MultiCollector {

    /** Protocols whose session counts are always present, 0 when idle, so sums and graphs have a line. */
    static final List<String> SESSION_PROTOCOLS = List.of("rtsp", "rtsps", "rtmp", "rtmps", "srt", "webrtc");

    static final List<String> SESSION_ROLES = List.of("publish", "read");

    private final Control control;

    ControlCollector(Control control) {
        this.control = control;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        List<PathInfo> paths = control.paths();
        paths(paths, out);
        sources(paths, out);
        targets(control.targets(Optional.empty()), out);
        groups(control.forwardGroups(), out);
        sessions(control.sessions(), out);
        refusals(control.refusals(), out);
        return new MetricSnapshots(out);
    }

    private static void paths(List<PathInfo> paths, List<MetricSnapshot> out) {
        Family up = Family.gauge("sluice_path_publisher_up", "1 when the path has a publisher and its stream is up");
        Family bytes = Family.counter("sluice_path_bytes_in", "Bytes received from the path's publisher (current stream)");
        Family packets = Family.counter("sluice_path_packets_in",
                "Packets received from the path's publisher (current stream)");
        Family readers = Family.gauge("sluice_path_readers",
                "Local reader sessions of the path (forward targets not counted)");
        Family gopBytes = Family.gauge("sluice_path_gop_cache_bytes",
                "RTP bytes the GOP cache holds now (what a joining reader or target gets first)");
        Family gopDuration = Family.gauge("sluice_path_gop_cache_duration_seconds",
                "Media time the GOP cache spans now, on the keyframe track");
        Family gopOverflows = Family.counter("sluice_path_gop_cache_overflows",
                "GOPs past gopCacheMaxBytes or gopCacheMaxDuration, not cached (joiners waited for a keyframe)");
        for (PathInfo p : paths) {
            Labels l = Labels.of("path", p.name());
            up.add(l, p.ready() ? 1 : 0);
            bytes.add(l, p.bytesIn());
            packets.add(l, p.packetsIn());
            readers.add(l, p.readers());
            gopBytes.add(l, p.gopCache().bytes());
            gopDuration.add(l, p.gopCache().durationMillis() / 1000.0);
            gopOverflows.add(l, p.gopCache().overflows());
        }
        out.addAll(List.of(up.build(), bytes.build(), packets.build(), readers.build(), gopBytes.build(),
                gopDuration.build(), gopOverflows.build()));
    }

    /** The pull sources of the paths that pull, as {@link #targets} shows forward targets. */
    private static void sources(List<PathInfo> paths, List<MetricSnapshot> out) {
        Family up = Family.gauge("sluice_source_up", "1 while the path's pull source publishes the remote's stream");
        Family state = Family.gauge("sluice_source_state", "1 for the pull source's current state, 0 for the others");
        Family since = Family.gauge("sluice_source_state_since_timestamp_seconds",
                "When the pull source entered its current state (Unix time)");
        Family bytes = Family.counter("sluice_source_bytes", "Bytes received from the remote and published (all sessions)");
        Family packets = Family.counter("sluice_source_packets", "Packets received from the remote and published");
        Family reconnects = Family.counter("sluice_source_reconnects", "Sessions started after the first one");
        for (PathInfo p : paths) {
            SourceStats s = p.pull();
            if (s == null) {
                continue;
            }
            Labels l = Labels.of("path", p.name(), "type", s.type());
            up.add(l, s.state() == SourceState.READY ? 1 : 0);
            for (SourceState st : SourceState.values()) {
                state.add(l.add("state", st.name().toLowerCase(Locale.ROOT)), st == s.state() ? 1 : 0);
            }
            if (s.since() != null) {
                since.add(l, s.since().toEpochMilli() / 1000.0);
            }
            bytes.add(l, s.bytes());
            packets.add(l, s.packets());
            reconnects.add(l, s.reconnects());
        }
        out.addAll(List.of(up.build(), state.build(), since.build(), bytes.build(), packets.build(),
                reconnects.build()));
    }

    private static void targets(List<TargetInfo> targets, List<MetricSnapshot> out) {
        Family up = Family.gauge("sluice_forward_target_up", "1 while the target is forwarding");
        Family state = Family.gauge("sluice_forward_target_state",
                "1 for the target's current state, 0 for the others");
        Family since = Family.gauge("sluice_forward_target_state_since_timestamp_seconds",
                "When the target entered its current state (Unix time)");
        Family bytes = Family.counter("sluice_forward_target_bytes", "Media bytes handed to the target's socket");
        Family packets = Family.counter("sluice_forward_target_packets", "Packets handed to the target's socket");
        Family dropped = Family.counter("sluice_forward_target_dropped_packets",
                "Packets dropped because the target was too slow (its queue was full)");
        Family reconnects = Family.counter("sluice_forward_target_reconnects",
                "Sessions started after the first one");
        Family bridged = Family.counter("sluice_forward_target_bridged_gaps",
                "Publisher reconnects the target carried on across without a new session (publisherGrace)");
        Family skipped = Family.gauge("sluice_forward_target_skipped_tracks",
                "Tracks of the stream the target's protocol cannot carry");
        Map<String, Family> link = new LinkedHashMap<>();
        for (LinkFigures.Metric m : LinkFigures.METRICS) {
            link.put(m.name(), m.counter() ? Family.counter(m.name(), m.help()) : Family.gauge(m.name(), m.help()));
        }
        for (TargetInfo t : targets) {
            DestStats s = t.stats();
            Labels l = Labels.of("path", t.path(), "id", s.id(), "protocol", s.protocol());
            up.add(l, s.state() == DestState.FORWARDING ? 1 : 0);
            for (DestState st : DestState.values()) {
                state.add(l.add("state", stateName(st)), st == s.state() ? 1 : 0);
            }
            if (s.since() != null) {
                since.add(l, s.since().toEpochMilli() / 1000.0);
            }
            bytes.add(l, s.bytes());
            packets.add(l, s.packets());
            dropped.add(l, s.dropped());
            reconnects.add(l, s.reconnects());
            bridged.add(l, s.bridgedGaps());
            skipped.add(l, s.tracks().stream().filter(tr -> !tr.forwarded()).count());
            LinkFigures.values(s.link()).forEach((name, v) -> link.get(name).add(l, v));
        }
        out.addAll(List.of(up.build(), state.build(), since.build(), bytes.build(), packets.build(),
                dropped.build(), reconnects.build(), bridged.build(), skipped.build()));
        link.values().forEach(f -> out.add(f.build()));
    }

    /** Each balanced group member's load: the paths it forwards and their kbit/s. */
    private static void groups(List<io.sluice.forward.BalancedPool.PoolStats> pools, List<MetricSnapshot> out) {
        Family paths = Family.gauge("sluice_group_member_paths",
                "Stream paths a member of a balanced forward group forwards");
        Family kbps = Family.gauge("sluice_group_member_kbps",
                "What a balanced group member's targets sent over the last second, in kbit/s");
        for (io.sluice.forward.BalancedPool.PoolStats p : pools) {
            for (io.sluice.forward.BalancedPool.MemberLoad m : p.members()) {
                Labels l = Labels.of("entry", p.entry(), "group", p.group(), "member", m.id());
                paths.add(l, m.paths().size());
                kbps.add(l, m.kbps());
            }
        }
        out.addAll(List.of(paths.build(), kbps.build()));
    }

    private static void sessions(List<SessionInfo> sessions, List<MetricSnapshot> out) {
        Map<Labels, Integer> counts = new LinkedHashMap<>();
        for (String p : SESSION_PROTOCOLS) {
            for (String r : SESSION_ROLES) {
                counts.put(Labels.of("protocol", p, "role", r), 0);
            }
        }
        for (SessionInfo s : sessions) {
            counts.merge(Labels.of("protocol", s.protocol(), "role", s.role()), 1, Integer::sum);
        }
        Family f = Family.gauge("sluice_sessions", "Publisher and reader sessions, by protocol and role");
        counts.forEach(f::add);
        out.add(f.build());
    }

    private static void refusals(List<RefusalCount> refusals, List<MetricSnapshot> out) {
        Family f = Family.counter("sluice_refused",
                "Connections, requests and sessions refused by a limit, a deadline or the path-name rule");
        for (RefusalCount r : refusals) {
            f.add(Labels.of("protocol", r.protocol(), "cause", r.cause()), r.count());
        }
        out.add(f.build());
    }

    /** The state's label value: the enum name in lower case ("forwarding", "backoff"). */
    static String stateName(DestState s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    /**
     * One metric family being filled. Repeated label sets (which {@code Control} should never give, e.g.
     * two targets with one id) keep the first value instead of failing the whole scrape.
     */
    private static final class Family {
        private final String name;
        private final String help;
        private final boolean counter;
        private final List<Labels> labels = new ArrayList<>();
        private final List<Double> values = new ArrayList<>();
        private final Set<Labels> seen = new HashSet<>();

        private Family(String name, String help, boolean counter) {
            this.name = name;
            this.help = help;
            this.counter = counter;
        }

        static Family gauge(String name, String help) {
            return new Family(name, help, false);
        }

        static Family counter(String name, String help) {
            return new Family(name, help, true);
        }

        void add(Labels l, double v) {
            if (seen.add(l)) {
                labels.add(l);
                values.add(counter ? Math.max(0, v) : v);
            }
        }

        MetricSnapshot build() {
            if (counter) {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
                for (int i = 0; i < labels.size(); i++) {
                    b.dataPoint(CounterDataPointSnapshot.builder().labels(labels.get(i)).value(values.get(i)).build());
                }
                return b.build();
            }
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
            for (int i = 0; i < labels.size(); i++) {
                b.dataPoint(GaugeDataPointSnapshot.builder().labels(labels.get(i)).value(values.get(i)).build());
            }
            return b.build();
        }
    }
}
