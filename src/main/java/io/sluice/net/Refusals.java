package io.sluice.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refusals counts every connection, request or session Sluice turns away because a limit or a rule said
 * so (too many connections, a handshake past its deadline, a header too large, a bad path name, ...), by
 * protocol and cause, and logs each refusal at most once per second per (protocol, cause), with the number
 * left unlogged since, so a flood cannot fill the log or cost more than a counter increment.
 *
 * <p>One per server process, shared by every listener and the path manager; thread-safe and lock-free on
 * the counting path (refusals happen on event loops).
 */
public final class Refusals {
    private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);
    static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    /** Why something was refused; {@link #label()} is the metric label value. */
    public enum Cause {
        /** The listener already holds its maximum number of connections. */
        LISTENER_CONNECTIONS,
        /** The client address already holds its maximum number of connections. */
        IP_CONNECTIONS,
        /** The handshake or first request did not complete before its deadline. */
        HANDSHAKE_TIMEOUT,
        /** A request line, header section or message exceeded its size limit. */
        HEADER_TOO_LARGE,
        /** A request or message body exceeded its size limit. */
        BODY_TOO_LARGE,
        /** The path name breaks the path-name rule. */
        BAD_PATH_NAME,
        /** The server already has its maximum number of paths. */
        MAX_PATHS,
        /** The path already has its maximum number of readers. */
        MAX_READERS,
        /** The listener or client already has its maximum number of sessions. */
        MAX_SESSIONS;

        /** The metric label value: the name in lower case ("ip_connections"). */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One (protocol, cause) counter as the metrics show it. */
    public record Count(String protocol, Cause cause, long count) {
    }

    private record Key(String protocol, Cause cause) {
    }

    private static final class Entry {
        final AtomicLong count = new AtomicLong();
        final AtomicLong lastLogNanos = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong unlogged = new AtomicLong();
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    public Refusals() {
        this(System::nanoTime);
    }

    /** @param nanoClock monotonic nanoseconds (a seam for tests) */
    public Refusals(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Counts one refusal and logs it unless one of the same protocol and cause was logged less than a
     * second ago.
     *
     * @param protocol the listener's protocol ("rtsp", "rtmp", "srt", "webrtc", "api", "metrics", ...)
     * @param cause why
     * @param remote the client's address as text (never credentials), or "" when there is none
     * @param detail what was refused and which limit applied, e.g. "path name 'a b' has a space"
     */
    public void refuse(String protocol, Cause cause, String remote, String detail) {
        Entry e = entries.computeIfAbsent(new Key(protocol, cause), k -> new Entry());
        e.count.incrementAndGet();
        long now = nanoClock.getAsLong();
        long last = e.lastLogNanos.get();
        if (last != Long.MIN_VALUE && now - last < LOG_INTERVAL_NANOS || !e.lastLogNanos.compareAndSet(last, now)) {
            e.unlogged.incrementAndGet();
            return;
        }
        long suppressed = e.unlogged.getAndSet(0);
        LOG.warn("{} refused ({}){}: {}{}", protocol, cause.label(), remote.isEmpty() ? "" : " " + remote, detail,
                suppressed > 0 ? " (" + suppressed + " more like it since the last one logged)" : "");
    }

    /** Every (protocol, cause) refused at least once since start, with its count. */
    public List<Count> counts() {
        List<Count> out = new ArrayList<>();
        entries.forEach((k, e) -> out.add(new Count(k.protocol(), k.cause(), e.count.get())));
        return out;
    }

    /** The count of one (protocol, cause); 0 when never refused. */
    public long count(String protocol, Cause cause) {
        Entry e = entries.get(new Key(protocol, cause));
        return e == null ? 0 : e.count.get();
    }
}
