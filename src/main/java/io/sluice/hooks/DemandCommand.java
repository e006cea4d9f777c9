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

    /** Starts runOnDemand (restarted when it exits if runOnDemandRestart); nothing if it runs already. */
    public synchronized void start() {
        if (running == null) {
            running = hooks.launch("runOnDemand " + path, conf.demand(), vars);
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
        hooks.oneShot("runOnUnDemand " + path, conf.unDemand(), vars);
    }
}
