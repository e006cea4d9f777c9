package io.sluice.core;

import io.sluice.conf.Conf;
import io.sluice.conf.ConfDocument;
import io.sluice.conf.ConfException;
import io.sluice.conf.ForwardDest;
import io.sluice.conf.PathConf;
import io.sluice.control.Control;
import io.sluice.control.ControlException;
import io.sluice.control.PathInfo;
import io.sluice.control.RefusalCount;
import io.sluice.control.SessionInfo;
import io.sluice.net.Refusals;
import io.sluice.net.webrtc.IcePair;
import io.sluice.forward.DestStats;
import io.sluice.path.Path;
import io.sluice.server.webrtc.WebrtcServer;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.Stream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ControlImpl is the {@link Control} of a running {@link Server}: reads come from the live components;
 * every change edits the configuration document, is validated like the file, and is applied as a
 * difference by {@link Server#apply}. Changes are serialized: one at a time, in arrival order.
 */
public final class ControlImpl implements Control {
    private static final Logger LOG = LoggerFactory.getLogger(ControlImpl.class);
    /** Starts the messages of refused API changes, where a file's name starts those of the file. */
    static final String API_SOURCE = "api";

    private final Server server;
    /** Guarded by this. */
    private ConfDocument doc;
    /** Whether the running configuration has API changes the file does not have. Guarded by this. */
    private boolean unsaved;

    ControlImpl(Server server, ConfDocument doc) {
        this.server = server;
        this.doc = doc;
    }

    // ---- read ----

    @Override
    public List<PathInfo> paths() {
        List<PathInfo> out = new ArrayList<>();
        for (Path p : server.paths().paths()) {
            out.add(info(p));
        }
        return out;
    }

    @Override
    public Optional<PathInfo> path(String name) {
        Path p = server.paths().get(name);
        return p == null ? Optional.empty() : Optional.of(info(p));
    }

    private PathInfo info(Path p) {
        Stream s = p.stream();
        List<PathInfo.TrackInfo> tracks = new ArrayList<>();
        if (s != null) {
            for (MediaDesc m : s.desc().medias()) {
                tracks.add(new PathInfo.TrackInfo(m.type().sdpName(), m.format().codec().name(),
                        m.format().clockRate()));
            }
        }
        SessionInfo source = s == null ? null : server.paths().sessions().publisher(p.name());
        List<String> targets = p.forwardStats().stream().map(DestStats::id).toList();
        return new PathInfo(p.name(), p.conf().name(), s != null, p.readySince(), source, tracks,
                s == null ? 0 : s.bytesIn(), s == null ? 0 : s.packetsIn(),
                server.paths().sessions().readers(p.name()), targets,
                s == null ? PathInfo.GopCacheInfo.NONE : gopCache(s.gopCacheStats()), p.awaitingPublisher(),
                p.sourceStats(), p.onDemandState(), s == null ? PathInfo.QualityInfo.NONE : quality(s));
    }

    private static PathInfo.QualityInfo quality(Stream s) {
        io.sluice.stream.QualityFigures q = s.quality().figures(System.nanoTime());
        // one decimal is what the figures are worth, and keeps the JSON readable
        return new PathInfo.QualityInfo(q.bitrateKbps() < 0 ? -1 : Math.round(q.bitrateKbps() * 10) / 10.0,
                q.width(), q.height(), Math.round(q.fps() * 10) / 10.0);
    }

    private static PathInfo.GopCacheInfo gopCache(io.sluice.stream.GopCacheStats g) {
        return new PathInfo.GopCacheInfo(g.packets(), g.bytes(), g.durationMillis(), g.overflows());
    }

    @Override
    public List<TargetInfo> targets(Optional<String> pathEntry) {
        Conf c = server.conf();
        List<Path> live = server.paths().paths();
        List<TargetInfo> out = new ArrayList<>();
        for (PathConf pc : c.paths()) {
            if (pathEntry.isPresent() && !pathEntry.get().equals(pc.name()) || pc.forwardTargets().isEmpty()) {
                continue;
            }
            boolean running = false;
            for (Path p : live) {
                if (p.conf().name().equals(pc.name())) {
                    running = true;
                    for (DestStats ds : p.forwardStats()) {
                        ForwardDest d = pc.forwardTargets().stream().filter(x -> x.id().equals(ds.id())).findFirst()
                                .orElse(null);
                        out.add(new TargetInfo(p.name(), ds, d == null ? "" : d.group(),
                                d == null ? "" : d.when().toString(), p.forwardWaiting(ds.id())));
                    }
                }
            }
            if (!running) {
                // a ~regex or all_others entry with no stream: its targets exist only in the configuration
                for (ForwardDest d : pc.forwardTargets()) {
                    out.add(new TargetInfo(pc.name(), DestStats.idle(d), d.group(), d.when().toString(),
                            "no stream"));
                }
            }
        }
        return out;
    }

    @Override
    public Optional<TargetInfo> target(String pathEntry, String id) {
        return targets(Optional.of(pathEntry)).stream().filter(t -> t.stats().id().equals(id)).findFirst();
    }

    @Override
    public List<io.sluice.forward.BalancedPool.PoolStats> forwardGroups() {
        return server.paths().pools().stats();
    }

    @Override
    public List<RefusalCount> refusals() {
        List<RefusalCount> out = new ArrayList<>();
        for (Refusals.Count c : server.refusals().counts()) {
            out.add(new RefusalCount(c.protocol(), c.cause().label(), c.count()));
        }
        return out;
    }

    @Override
    public List<SessionInfo> sessions() {
        return server.paths().sessions().list();
    }

    @Override
    public Map<String, IcePair> icePairs() {
        WebrtcServer w = server.webrtc();
        return w == null ? Map.of() : w.icePairs();
    }

    @Override
    public Conf conf() {
        return server.conf();
    }

    @Override
    public io.sluice.control.ServerInfo info() {
        return new io.sluice.control.ServerInfo(Server.version(), server.started());
    }

    @Override
    public io.sluice.control.ReadinessInfo readiness() {
        return server.readiness().info();
    }

    @Override
    public synchronized String yaml(boolean redacted) {
        return doc.yaml(redacted);
    }

    @Override
    public synchronized Map<String, Object> confTree(String pathEntry) {
        Map<String, Object> all = doc.redactedTree();
        if (pathEntry == null) {
            return all;
        }
        // "name:" with no value is an entry with every default: an empty mapping
        return all.get("paths") instanceof Map<?, ?> paths && paths.get(pathEntry) instanceof Map<?, ?> entry
                ? castTree(entry) : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castTree(Map<?, ?> m) {
        return (Map<String, Object>) m; // Jackson built it from an object node: string keys
    }

    // ---- change ----

    @Override
    public TargetInfo addTarget(String pathEntry, Map<String, Object> body) throws ControlException {
        String id;
        synchronized (this) {
            requireEntry(pathEntry);
            ConfDocument.Added added = edit(() -> doc.withTarget(pathEntry, body, API_SOURCE));
            commit(added.document());
            id = added.id();
        }
        LOG.info("[api] target {} added to path {}", id, pathEntry);
        return targetAfterChange(pathEntry, id);
    }

    @Override
    public TargetInfo patchTarget(String pathEntry, String id, Map<String, Object> patch) throws ControlException {
        synchronized (this) {
            requireTarget(pathEntry, id);
            commit(edit(() -> doc.withTargetPatched(pathEntry, id, patch, API_SOURCE)));
        }
        LOG.info("[api] target {} of path {} changed", id, pathEntry);
        return targetAfterChange(pathEntry, id);
    }

    private TargetInfo targetAfterChange(String pathEntry, String id) throws ControlException {
        return target(pathEntry, id).orElseThrow(() -> new ControlException(404,
                "paths." + pathEntry + ": no target with id '" + id + "'"));
    }

    @Override
    public synchronized void deleteTarget(String pathEntry, String id) throws ControlException {
        requireTarget(pathEntry, id);
        commit(edit(() -> doc.withoutTarget(pathEntry, id, API_SOURCE)));
        LOG.info("[api] target {} removed from path {}", id, pathEntry);
    }

    @Override
    public synchronized void addPath(String name, Map<String, Object> body) throws ControlException {
        if (doc.conf().pathEntry(name) != null) {
            throw new ControlException(409, API_SOURCE + ": paths." + name + ": already exists");
        }
        commit(edit(() -> doc.withPath(name, body, API_SOURCE)));
        LOG.info("[api] path entry {} added", name);
    }

    @Override
    public synchronized void patchPath(String name, Map<String, Object> patch) throws ControlException {
        requireEntry(name);
        commit(edit(() -> doc.withPathPatched(name, patch, API_SOURCE)));
        LOG.info("[api] path entry {} changed", name);
    }

    @Override
    public synchronized void deletePath(String name) throws ControlException {
        requireEntry(name);
        commit(edit(() -> doc.withoutPath(name, API_SOURCE)));
        LOG.info("[api] path entry {} removed", name);
    }

    @Override
    public synchronized void patchGlobal(Map<String, Object> patch) throws ControlException {
        commit(edit(() -> doc.withGlobalPatched(patch, API_SOURCE)));
        LOG.info("[api] global settings changed");
    }

    @Override
    public boolean kick(String sessionId) {
        boolean found = server.paths().sessions().kick(sessionId);
        if (found) {
            LOG.info("[api] session {} kicked", sessionId);
        }
        return found;
    }

    @Override
    public synchronized String save() throws ControlException {
        if (doc.file().isEmpty()) {
            throw new ControlException(409, "running on the embedded default configuration: no file to save to "
                    + "(start Sluice with a configuration file)");
        }
        try {
            java.nio.file.Path f = doc.save();
            unsaved = false;
            LOG.info("[api] running configuration saved to {}", f);
            return f.toString();
        } catch (IOException e) {
            throw new ControlException(500, "cannot save the configuration: " + e.getMessage());
        }
    }

    /**
     * Re-reads the configuration file (hot reload). A file with errors is refused with the same messages
     * as at start and the running configuration stays; a valid one replaces the running one, API
     * changes that were not saved included (logged as a warning).
     *
     * @return false when the file was refused
     */
    public synchronized boolean reloadFile() {
        java.nio.file.Path file = doc.file().orElse(null);
        if (file == null) {
            return false;
        }
        ConfDocument next;
        try {
            next = ConfDocument.load(file);
        } catch (ConfException e) {
            LOG.error("configuration file changed but is invalid; keeping the running configuration:");
            for (String p : e.problems()) {
                LOG.error("  {}", p);
            }
            return false;
        }
        if (next.conf().equals(doc.conf())) {
            // same meaning (e.g. comments edited, or our own save): nothing to restart; a mediamtx key Sluice
            // does not implement may have changed, though, and is not ignored silently
            warnNew(next);
            doc = next;
            return true;
        }
        if (unsaved) {
            LOG.warn("configuration file changed: it replaces the API changes that were not saved");
        }
        LOG.info("configuration file changed: applying the difference");
        Server.warnAbout(next);
        doc = next;
        unsaved = false;
        List<String> failures = server.apply(next.conf());
        failures.forEach(f -> LOG.error("reload: {}", f));
        return true;
    }

    // ---- helpers ----

    private interface Edit<T> {
        T apply() throws ConfException;
    }

    private static <T> T edit(Edit<T> e) throws ControlException {
        try {
            return e.apply();
        } catch (ConfException ex) {
            throw new ControlException(400, ex.problems());
        }
    }

    /** Logs the warnings of next that the running configuration did not have (the others were logged). */
    private void warnNew(ConfDocument next) {
        next.warnings().stream().filter(w -> !doc.warnings().contains(w)).forEach(w -> LOG.warn("{}", w));
    }

    /** Makes {@code next} the running configuration; reports parts that could not be started. */
    private void commit(ConfDocument next) throws ControlException {
        // a key the change sets to a value Sluice does not act on warns now (the others warned already)
        warnNew(next);
        doc = next;
        unsaved = true;
        List<String> failures = server.apply(next.conf());
        if (!failures.isEmpty()) {
            throw new ControlException(500, failures);
        }
    }

    private void requireEntry(String pathEntry) throws ControlException {
        if (doc.conf().pathEntry(pathEntry) == null) {
            throw new ControlException(404, API_SOURCE + ": paths." + pathEntry + ": no such path entry");
        }
    }

    private void requireTarget(String pathEntry, String id) throws ControlException {
        requireEntry(pathEntry);
        boolean found = doc.conf().pathEntry(pathEntry).forwardTargets().stream().anyMatch(d -> d.id().equals(id));
        if (!found) {
            throw new ControlException(404, API_SOURCE + ": paths." + pathEntry + ": no target with id '" + id + "'");
        }
    }
}
