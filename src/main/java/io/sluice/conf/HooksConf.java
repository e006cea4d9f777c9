package io.sluice.conf;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * HooksConf is the commands a path entry runs on its events (mediamtx's path hooks, with mediamtx's names,
 * defaults and meaning); pathDefaults apply to them as to every path key. The server-wide connection hooks
 * are {@link ConnHooksConf}.
 *
 * @param init runOnInit: while a configured (exact) path exists, from start or the reload that adds it
 * @param demand runOnDemand: started when a reader asks for the path and it has no stream
 * @param demandStartTimeout runOnDemandStartTimeout: how long readers wait for the demanded stream
 * @param demandCloseAfter runOnDemandCloseAfter: how long the demand command stays after the last reader left
 * @param unDemand runOnUnDemand: run once when the demand command is stopped
 * @param ready runOnReady: while the path's stream is ready
 * @param notReady runOnNotReady: run once when the stream ends
 * @param available runOnAvailable (newer mediamtx name): the same events as runOnReady, since Sluice has no
 *     offline segment that would make a stream available without being ready; both run when both are set
 * @param unavailable runOnUnavailable: the same events as runOnNotReady
 * @param read runOnRead: while a reader session reads the path, one command per reader
 * @param unread runOnUnread: run once when a reader session ends
 */
public record HooksConf(HookConf init, HookConf demand, Duration demandStartTimeout, Duration demandCloseAfter,
                        HookConf unDemand, HookConf ready, HookConf notReady, HookConf available,
                        HookConf unavailable, HookConf read, HookConf unread) {

    static final Key<String> RUN_ON_INIT = HookConf.commandKey("runOnInit");
    static final Key<Boolean> RUN_ON_INIT_RESTART = HookConf.restartKey("runOnInitRestart");
    static final Key<String> RUN_ON_DEMAND = HookConf.commandKey("runOnDemand");
    static final Key<Boolean> RUN_ON_DEMAND_RESTART = HookConf.restartKey("runOnDemandRestart");
    static final Key<Duration> RUN_ON_DEMAND_START_TIMEOUT = Key.positive("runOnDemandStartTimeout",
            Duration.ofSeconds(10));
    static final Key<Duration> RUN_ON_DEMAND_CLOSE_AFTER = Key.of("runOnDemandCloseAfter", Duration.ofSeconds(10),
            v -> {
                Duration d = ConfNode.duration(v);
                ForwardDest.checkNotNegative(d);
                return d;
            });
    static final Key<String> RUN_ON_UN_DEMAND = HookConf.commandKey("runOnUnDemand");
    static final Key<String> RUN_ON_READY = HookConf.commandKey("runOnReady");
    static final Key<Boolean> RUN_ON_READY_RESTART = HookConf.restartKey("runOnReadyRestart");
    static final Key<String> RUN_ON_NOT_READY = HookConf.commandKey("runOnNotReady");
    static final Key<String> RUN_ON_AVAILABLE = HookConf.commandKey("runOnAvailable");
    static final Key<Boolean> RUN_ON_AVAILABLE_RESTART = HookConf.restartKey("runOnAvailableRestart");
    static final Key<String> RUN_ON_UNAVAILABLE = HookConf.commandKey("runOnUnavailable");
    static final Key<String> RUN_ON_READ = HookConf.commandKey("runOnRead");
    static final Key<Boolean> RUN_ON_READ_RESTART = HookConf.restartKey("runOnReadRestart");
    static final Key<String> RUN_ON_UNREAD = HookConf.commandKey("runOnUnread");

    /** The hook keys of a path entry, in mediamtx.yml's order. */
    static final List<Key<?>> KEYS = List.of(RUN_ON_INIT, RUN_ON_INIT_RESTART, RUN_ON_DEMAND, RUN_ON_DEMAND_RESTART,
            RUN_ON_DEMAND_START_TIMEOUT, RUN_ON_DEMAND_CLOSE_AFTER, RUN_ON_UN_DEMAND, RUN_ON_READY,
            RUN_ON_READY_RESTART, RUN_ON_NOT_READY, RUN_ON_AVAILABLE, RUN_ON_AVAILABLE_RESTART, RUN_ON_UNAVAILABLE,
            RUN_ON_READ, RUN_ON_READ_RESTART, RUN_ON_UNREAD);

    /** Every key at its default: no hooks. */
    public static final HooksConf NONE = new HooksConf(HookConf.NONE, HookConf.NONE, Duration.ofSeconds(10),
            Duration.ofSeconds(10), HookConf.NONE, HookConf.NONE, HookConf.NONE, HookConf.NONE, HookConf.NONE,
            HookConf.NONE, HookConf.NONE);

    public HooksConf {
        Objects.requireNonNull(init, "init");
        Objects.requireNonNull(demand, "demand");
        ForwardDest.checkPositive(Objects.requireNonNull(demandStartTimeout, "demandStartTimeout"));
        ForwardDest.checkNotNegative(Objects.requireNonNull(demandCloseAfter, "demandCloseAfter"));
        Objects.requireNonNull(unDemand, "unDemand");
        Objects.requireNonNull(ready, "ready");
        Objects.requireNonNull(notReady, "notReady");
        Objects.requireNonNull(available, "available");
        Objects.requireNonNull(unavailable, "unavailable");
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(unread, "unread");
    }

    /** Reads the hook keys of a path entry (merged over pathDefaults by the caller). */
    static HooksConf read(ConfNode p) {
        return new HooksConf(new HookConf(RUN_ON_INIT.read(p), RUN_ON_INIT_RESTART.read(p)),
                new HookConf(RUN_ON_DEMAND.read(p), RUN_ON_DEMAND_RESTART.read(p)),
                RUN_ON_DEMAND_START_TIMEOUT.read(p), RUN_ON_DEMAND_CLOSE_AFTER.read(p),
                oneShot(RUN_ON_UN_DEMAND, p),
                new HookConf(RUN_ON_READY.read(p), RUN_ON_READY_RESTART.read(p)), oneShot(RUN_ON_NOT_READY, p),
                new HookConf(RUN_ON_AVAILABLE.read(p), RUN_ON_AVAILABLE_RESTART.read(p)),
                oneShot(RUN_ON_UNAVAILABLE, p),
                new HookConf(RUN_ON_READ.read(p), RUN_ON_READ_RESTART.read(p)), oneShot(RUN_ON_UNREAD, p));
    }

    private static HookConf oneShot(Key<String> key, ConfNode p) {
        return new HookConf(key.read(p), false);
    }
}
