package io.sluice.control;

import io.sluice.conf.Conf;
import io.sluice.forward.BalancedPool;
import io.sluice.forward.DestStats;
import io.sluice.net.webrtc.IcePair;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Control is everything the HTTP API, the metrics and the status page may read and change in a running
 * server. Implemented by the core; every change is validated exactly like the configuration file (same
 * messages) and applied as a difference: what did not change keeps running untouched.
 *
 * <p>Bodies are JSON-shaped trees (maps, lists, strings, numbers, booleans) in the same shape as the
 * YAML file, so a target added through the API reads like one written in the file.
 */
public interface Control {

    // ---- read ----

    /** Every path that exists now (configured exact names, and dynamic ones with a publisher), by name. */
    List<PathInfo> paths();

    Optional<PathInfo> path(String name);

    /** Forward targets of every path entry (paths whose entry is configured), optionally of one path entry. */
    List<TargetInfo> targets(Optional<String> pathEntry);

    Optional<TargetInfo> target(String pathEntry, String id);

    /** The balanced forward groups in use: each member's paths and load (forwardGroups with mode: balance). */
    List<BalancedPool.PoolStats> forwardGroups();

    /** Publishers and readers of every protocol. */
    List<SessionInfo> sessions();

    /**
     * The selected ICE pair (transport udp/tcp/relay, local and remote candidate) of every WebRTC session
     * whose ICE connected, by session id; the API shows it with the session.
     */
    default Map<String, IcePair> icePairs() {
        return Map.of();
    }

    /** Refusals by protocol and cause since start (limits, deadlines, the path-name rule). */
    List<RefusalCount> refusals();

    /** The running configuration. */
    Conf conf();

    /** The version and start time ({@code GET /v3/info}). */
    ServerInfo info();

    /** Whether the server serves all its configuration asks for (readiness probes). */
    ReadinessInfo readiness();

    /**
     * The running configuration as YAML. With {@code redacted}, passwords, passphrases, tokens and URL
     * credentials are masked (what the API shows); without, it is what {@link #save()} writes.
     */
    String yaml(boolean redacted);

    /**
     * The running configuration as a JSON-shaped tree, secrets masked: the whole of it when
     * {@code pathEntry} is null, else that path entry's mapping (empty when there is none).
     */
    Map<String, Object> confTree(String pathEntry);

    // ---- change ----

    /** Adds one target (body = one forwardTargets entry) to a path entry; an id is assigned if absent. */
    TargetInfo addTarget(String pathEntry, Map<String, Object> body) throws ControlException;

    /** Merges {@code patch} into the target's entry (null values remove keys); only that target restarts. */
    TargetInfo patchTarget(String pathEntry, String id, Map<String, Object> patch) throws ControlException;

    void deleteTarget(String pathEntry, String id) throws ControlException;

    /** Adds a path entry (body = the entry's mapping, as in the file). */
    void addPath(String name, Map<String, Object> body) throws ControlException;

    void patchPath(String name, Map<String, Object> patch) throws ControlException;

    void deletePath(String name) throws ControlException;

    /** Merges {@code patch} into the top-level settings; only the listeners whose settings changed restart. */
    void patchGlobal(Map<String, Object> patch) throws ControlException;

    /** Closes one publisher or reader session; false when there is no such session. */
    boolean kick(String sessionId);

    /**
     * Writes the running configuration (credentials included, comments not kept) over the file it was
     * loaded from, keeping the previous one as FILE.bak.
     *
     * @throws ControlException 409 when Sluice runs on the embedded default configuration (no file)
     */
    String save() throws ControlException;

    // ---- records ----

    /**
     * One forward target as the API shows it.
     *
     * @param path the path entry it belongs to
     * @param stats the live figures; url redacted
     * @param group failover group, "" when none
     * @param when its conditions as written, "" when none
     * @param waiting why it does not run although enabled (condition false, standby in its group, balanced to another
     *     member), or, while a failing quality condition is held, why it is about to stop; "" otherwise
     */
    record TargetInfo(String path, DestStats stats, String group, String when, String waiting) {
    }
}
