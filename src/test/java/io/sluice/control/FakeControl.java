package io.sluice.control;

import io.sluice.conf.Conf;
import io.sluice.conf.ConfException;
import io.sluice.conf.ConfLoader;
import io.sluice.control.PathInfo.TrackInfo;
import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import io.sluice.forward.TrackStatus;
import io.sluice.net.webrtc.IcePair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * FakeControl is an in-memory {@link Control} for the API's and the metrics' tests and the status page IT:
 * paths, sessions and targets are whatever the test puts in their lists (duplicates included, to test how
 * readers cope); config changes edit a YAML tree that is validated by the real {@link ConfLoader}, so
 * refusals carry real problem messages. Every change is recorded in {@link #calls}.
 */
public final class FakeControl implements Control {
    public static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    public final List<PathInfo> paths = new CopyOnWriteArrayList<>();
    public final List<SessionInfo> sessions = new CopyOnWriteArrayList<>();
    /** What /v3/health/ready answers; a test replaces it. */
    public volatile ReadinessInfo readiness = new ReadinessInfo("running", List.of());
    /** In order; {@link #put} replaces a target of the same entry and id in place. */
    public final List<TargetInfo> targets = new CopyOnWriteArrayList<>();
    /** What {@link #forwardGroups()} answers; a test fills it. */
    public final List<io.sluice.forward.BalancedPool.PoolStats> groups = new CopyOnWriteArrayList<>();
    /** "method path-or-entry [id] body" of every change and kick, in order. */
    public final List<String> calls = new CopyOnWriteArrayList<>();
    private Map<String, Object> tree;
    private Conf conf;
    private int nextId = 1;
    /** What {@link #save()} returns; null = no file (409). */
    public volatile String file = "/etc/sluice/sluice.yml";
    /** Thrown by {@link #paths()} when set, to test unexpected failures. */
    public volatile RuntimeException failure;
    /** Thrown by the next {@link #patchTarget} when set (then cleared), to test refusals. */
    public volatile ControlException refuseNextPatch;

    /** No paths, sessions or targets, and a configuration of defaults only. */
    public FakeControl() {
        this("{}");
    }

    public FakeControl(String yaml) {
        try {
            setTree(readTree(yaml));
        } catch (ControlException e) {
            throw new IllegalArgumentException(e.problems().toString(), e);
        }
    }

    /**
     * Two paths and three targets in every state worth showing: live/cam is ready with an RTSP publisher
     * and one reader; target "srt1" forwards (with link figures), "rtmp1" backs off after an error, and
     * "off" of the regex entry "~^cam[0-9]+$" is disabled.
     */
    public static FakeControl sample() {
        FakeControl c = new FakeControl("""
                apiAddress: 127.0.0.1:9997
                rtspAddress: :8554
                paths:
                  live/cam:
                    publishUser: pub
                    publishPass: secret
                  ~^cam[0-9]+$: {}
                  all_others: {}
                """);
        SessionInfo pub = new SessionInfo("s-pub", "rtsp", "publish", "live/cam", "10.0.0.5:40000", "pub", T0, 123_456);
        c.sessions.add(pub);
        c.sessions.add(new SessionInfo("s-read", "rtmp", "read", "live/cam", "10.0.0.6:50000", "", T0, 4096));
        c.sessions.add(new SessionInfo("s-srt", "srt", "read", "live/cam", "10.0.0.7:9000", "", T0, 10));
        c.paths.add(new PathInfo("live/cam", "live/cam", true, T0, pub,
                List.of(new TrackInfo("video", "H264", 90000), new TrackInfo("audio", "Opus", 48000)),
                123_456, 1000, 2, List.of("srt1", "rtmp1"), PathInfo.GopCacheInfo.NONE, false, null, null,
                new PathInfo.QualityInfo(2048.5, 1280, 720, 30)));
        c.paths.add(new PathInfo("cam7", "~^cam[0-9]+$", false, null, null, List.of(), 0, 0, 0, List.of("off")));
        c.put("live/cam", new DestStats("srt1", "srt://***@relay.example:9000?streamid=x", "srt",
                DestState.FORWARDING, T0, 98_765, 800, 3, 1, "", null,
                List.of(TrackStatus.forwarded(0, "H264"), TrackStatus.skipped(1, "Opus", "MPEG-TS over SRT carries no Opus here")),
                Map.of("rttMs", 12.5, "lossPercent", 0.25)), "", "", "");
        c.put("live/cam", new DestStats("rtmp1", "rtmp://cdn.example/live/***", "rtmp", DestState.BACKOFF, T0, 0, 0, 0, 4,
                "connect rtmp://cdn.example/live/***: connection refused", T0.plusSeconds(30),
                List.of(), Map.of()), "", "", "");
        c.put("~^cam[0-9]+$", new DestStats("off", "rtsp://10.0.0.9:8554/mirror", "rtsp", DestState.DISABLED, T0, 0, 0,
                0, 0, "", null, List.of(), Map.of()), "backup", "readers >= 1", "");
        return c;
    }

    /** Sets or replaces one target's figures. */
    public synchronized void put(String entry, DestStats stats, String group, String when, String waiting) {
        TargetInfo t = new TargetInfo(entry, stats, group, when, waiting);
        int i = indexOf(entry, stats.id());
        if (i < 0) {
            targets.add(t);
        } else {
            targets.set(i, t);
        }
    }

    private int indexOf(String entry, String id) {
        for (int i = 0; i < targets.size(); i++) {
            TargetInfo t = targets.get(i);
            if (t.path().equals(entry) && t.stats().id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    // ---- read ----

    @Override
    public List<PathInfo> paths() {
        if (failure != null) {
            throw failure;
        }
        return List.copyOf(paths);
    }

    @Override
    public Optional<PathInfo> path(String name) {
        return paths.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    @Override
    public synchronized List<TargetInfo> targets(Optional<String> pathEntry) {
        return targets.stream().filter(t -> pathEntry.isEmpty() || t.path().equals(pathEntry.get())).toList();
    }

    @Override
    public synchronized Optional<TargetInfo> target(String pathEntry, String id) {
        int i = indexOf(pathEntry, id);
        return i < 0 ? Optional.empty() : Optional.of(targets.get(i));
    }

    @Override
    public List<io.sluice.forward.BalancedPool.PoolStats> forwardGroups() {
        return List.copyOf(groups);
    }

    @Override
    public List<SessionInfo> sessions() {
        return List.copyOf(sessions);
    }

    /** ICE pairs of WebRTC sessions by session id; tests add to it. */
    public final Map<String, IcePair> icePairs = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public Map<String, IcePair> icePairs() {
        return Map.copyOf(icePairs);
    }

    /** Refusal counts the fake reports; tests add to it. */
    public final List<RefusalCount> refusals = new ArrayList<>();

    @Override
    public List<RefusalCount> refusals() {
        return List.copyOf(refusals);
    }

    @Override
    public ServerInfo info() {
        return new ServerInfo("1.2.3", T0);
    }

    @Override
    public ReadinessInfo readiness() {
        return readiness;
    }

    @Override
    public synchronized Conf conf() {
        return conf;
    }

    @Override
    public synchronized String yaml(boolean redacted) {
        return YAML.writeValueAsString(redacted ? masked(tree) : tree);
    }

    @Override
    public synchronized Map<String, Object> confTree(String pathEntry) {
        Map<String, Object> all = masked(tree);
        if (pathEntry == null) {
            return all;
        }
        Object entry = paths(all).get(pathEntry);
        return entry instanceof Map<?, ?> m ? copy(m) : Map.of();
    }

    // ---- change ----

    @Override
    public synchronized TargetInfo addTarget(String pathEntry, Map<String, Object> body) throws ControlException {
        calls.add("addTarget " + pathEntry + " " + body);
        if (!paths(tree).containsKey(pathEntry)) {
            throw new ControlException(404, "no path entry '" + pathEntry + "'");
        }
        if (!(body.get("url") instanceof String url) || url.isBlank()) {
            throw new ControlException(400, List.of("paths." + pathEntry + ".forwardTargets[0].url: missing",
                    "paths." + pathEntry + ".forwardTargets[0]: a url is required"));
        }
        String id = body.get("id") instanceof String s ? s : "t" + nextId++;
        if (indexOf(pathEntry, id) >= 0) {
            throw new ControlException(409, "forward target '" + id + "' already exists in '" + pathEntry + "'");
        }
        boolean enabled = !Boolean.FALSE.equals(body.get("enable"));
        put(pathEntry, stats(id, url, enabled ? DestState.IDLE : DestState.DISABLED), "", "", "");
        return target(pathEntry, id).orElseThrow();
    }

    @Override
    public synchronized TargetInfo patchTarget(String pathEntry, String id, Map<String, Object> patch)
            throws ControlException {
        calls.add("patchTarget " + pathEntry + " " + id + " " + patch);
        ControlException refusal = refuseNextPatch;
        if (refusal != null) {
            refuseNextPatch = null;
            throw refusal;
        }
        TargetInfo t = target(pathEntry, id).orElse(null);
        if (t == null) {
            throw new ControlException(404, "no forward target '" + id + "' in path entry '" + pathEntry + "'");
        }
        DestStats s = t.stats();
        String url = patch.get("url") instanceof String u ? u : s.url();
        DestState state = s.state();
        if (patch.get("enable") instanceof Boolean b) {
            state = b ? DestState.IDLE : DestState.DISABLED;
        } else if (patch.containsKey("enable")) {
            throw new ControlException(400, "paths." + pathEntry + ".forwardTargets." + id
                    + ".enable: not a boolean: '" + patch.get("enable") + "'");
        }
        put(pathEntry, new DestStats(s.id(), url, s.protocol(), state, Instant.now(), s.bytes(), s.packets(),
                s.dropped(), s.reconnects(), s.lastError(), null, s.tracks(), s.link()), t.group(), t.when(), t.waiting());
        return target(pathEntry, id).orElseThrow();
    }

    @Override
    public synchronized void deleteTarget(String pathEntry, String id) throws ControlException {
        calls.add("deleteTarget " + pathEntry + " " + id);
        int i = indexOf(pathEntry, id);
        if (i < 0) {
            throw new ControlException(404, "no forward target '" + id + "' in path entry '" + pathEntry + "'");
        }
        targets.remove(i);
    }

    @Override
    public synchronized void addPath(String name, Map<String, Object> body) throws ControlException {
        calls.add("addPath " + name + " " + body);
        if (paths(tree).containsKey(name)) {
            throw new ControlException(409, "path entry '" + name + "' already exists");
        }
        Map<String, Object> t = copy(tree);
        paths(t).put(name, copy(body));
        setTree(t);
    }

    @Override
    public synchronized void patchPath(String name, Map<String, Object> patch) throws ControlException {
        calls.add("patchPath " + name + " " + patch);
        Map<String, Object> t = copy(tree);
        if (!(paths(t).get(name) instanceof Map<?, ?> entry)) {
            throw new ControlException(404, "no path entry '" + name + "'");
        }
        Map<String, Object> merged = copy(entry);
        merge(merged, patch);
        paths(t).put(name, merged);
        setTree(t);
    }

    @Override
    public synchronized void deletePath(String name) throws ControlException {
        calls.add("deletePath " + name);
        Map<String, Object> t = copy(tree);
        if (paths(t).remove(name) == null) {
            throw new ControlException(404, "no path entry '" + name + "'");
        }
        setTree(t);
    }

    @Override
    public synchronized void patchGlobal(Map<String, Object> patch) throws ControlException {
        calls.add("patchGlobal " + patch);
        Map<String, Object> t = copy(tree);
        merge(t, patch);
        setTree(t);
    }

    @Override
    public boolean kick(String sessionId) {
        calls.add("kick " + sessionId);
        return sessions.removeIf(s -> s.id().equals(sessionId));
    }

    @Override
    public String save() throws ControlException {
        calls.add("save");
        if (file == null) {
            throw new ControlException(409, "running on the embedded default configuration: no file to save to");
        }
        return file;
    }

    // ---- helpers ----

    private static DestStats stats(String id, String url, DestState state) {
        String protocol = url.startsWith("http") ? "whip" : url.substring(0, Math.max(0, url.indexOf(':')));
        return new DestStats(id, url, protocol, state, Instant.now(), 0, 0, 0, 0, "", null, List.of(), Map.of());
    }

    /** Validates a changed tree with the real loader, as the core does, and keeps it only if it loads. */
    private void setTree(Map<String, Object> t) throws ControlException {
        try {
            conf = ConfLoader.parse(YAML.writeValueAsString(t), "api");
        } catch (ConfException e) {
            throw new ControlException(400, e.problems());
        }
        tree = t;
    }

    private static Map<String, Object> readTree(String yaml) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = YAML.readValue(yaml, LinkedHashMap.class);
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> paths(Map<String, Object> t) {
        return (Map<String, Object>) t.computeIfAbsent("paths", k -> new LinkedHashMap<String, Object>());
    }

    /** Null values remove keys, maps merge, anything else replaces (the Control contract). */
    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> into, Map<String, Object> patch) {
        patch.forEach((k, v) -> {
            if (v == null) {
                into.remove(k);
            } else if (v instanceof Map<?, ?> pm && into.get(k) instanceof Map<?, ?> im) {
                Map<String, Object> m = copy(im);
                merge(m, (Map<String, Object>) pm);
                into.put(k, m);
            } else {
                into.put(k, v);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<?, ?> m) {
        return YAML.convertValue(m, LinkedHashMap.class);
    }

    /** Passwords masked, as the real control plane shows them. */
    private static Map<String, Object> masked(Map<String, Object> t) {
        Map<String, Object> c = copy(t);
        for (Object entry : paths(c).values()) {
            if (entry instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> e = (Map<String, Object>) m;
                e.replaceAll((k, v) -> k.toLowerCase().contains("pass") ? "***" : v);
            }
        }
        return c;
    }

    /** Every entry name in file order. */
    public synchronized List<String> entryNames() {
        return new ArrayList<>(paths(tree).keySet());
    }
}
