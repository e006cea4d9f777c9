package io.sluice.hooks;

import io.sluice.conf.HooksConf;
import io.sluice.conf.PathConf;
import java.time.Duration;
import java.util.Map;

/**
 * DemandCommand is one path's runOnDemand: the on-demand logic calls {@link #start()} when a reader asks for
 * the path and it has no stream (the command should publish it; readers wait up to {@link #startTimeout()}),
 * and {@link #stop()} {@link #closeAfter()} after the last reader left (or when the start timed out): the
 * command's process group is ended (SIGTERM, SIGKILL after the grace) and runOnUnDemand runs once. The
 * processes belong to {@link Hooks}, so they also end at shutdown. Thread-safe; neither call waits for a
 * process.
 */
public final class DemandCommand {
    private final Hooks hooks;
    private final String path;
    private final HooksConf conf;
    private final Map<String, String> vars;
    /** The running runOnDemand, or null. Guarded by this. */
    private HookProcess running;
    /** The variables it started with (its reader's MTX_QUERY). Guarded by this. */
    private Map<String, String> startVars;

    DemandCommand(Hooks hooks, String path, PathConf entry, Map<String, String> vars) {
        this.hooks = hooks;
        this.path = path;
        this.conf = entry.hooks();
        this.vars = Map.copyOf(vars);
    }

    /** runOnDemandStartTimeout: how long readers wait for the stream. */
    public Duration startTimeout() {
        return conf.demandStartTimeout();
    }

    /** runOnDemandCloseAfter: how long after the last reader the command is stopped. */
    public Duration closeAfter() {
        return conf.demandCloseAfter();
    }

    /**
     * Starts runOnDemand (restarted when it exits if runOnDemandRestart); nothing if it runs already.
     *
     * @param query what the reader that asked sent with the path (MTX_QUERY, as mediamtx gives it), "" when none;
     *     runOnUnDemand gets the same
     */
    public synchronized void start(String query) {
        if (running == null) {
            startVars = new java.util.LinkedHashMap<>(vars);
            startVars.put("MTX_QUERY", query);
            running = hooks.launch("runOnDemand " + path, conf.demand(), startVars);
        }
    }

    /** Whether runOnDemand was started and not stopped. */
    public synchronized boolean started() {
        return running != null;
    }

    /** Stops runOnDemand and runs runOnUnDemand once; nothing if it does not run. */
    public synchronized void stop() {
        if (running == null) {
            return;
        }
        running.stop();
        running = null;
        hooks.oneShot("runOnUnDemand " + path, conf.unDemand(), startVars);
    }
}
