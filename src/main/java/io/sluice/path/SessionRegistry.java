package io.sluice.path;

import io.sluice.control.SessionInfo;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * SessionRegistry knows every publisher and reader session of every protocol server, so the API can list
 * and kick them and paths can count their readers. Protocol servers register a session when it starts
 * publishing or reading and close the registration when it ends.
 */
public final class SessionRegistry {
    private final InstantSource clock;
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    /** Told the path name whenever a reader session of it registers or leaves (on-demand paths count them). */
    private volatile java.util.function.Consumer<String> readersChanged = path -> { };
    /** Told of every session that opens and closes (hooks: runOnConnect, runOnRead...). */
    private final PathEvents events;

    public SessionRegistry(InstantSource clock) {
        this(clock, PathEvents.NONE);
    }

    public SessionRegistry(InstantSource clock, PathEvents events) {
        this.clock = clock;
        this.events = events;
    }

    /** Role of a session on its path. */
    public enum Role {
        PUBLISH, READ;

        String json() {
            return this == PUBLISH ? "publish" : "read";
        }
    }

    /**
     * Registers a session.
     *
     * @param protocol "rtsp", "rtsps", "rtmp", "rtmps", "srt", "webrtc"
     * @param remote the peer's "ip:port"
     * @param user the user it authenticated as, "" when none
     * @param bytes bytes received (publish) or sent (read) so far; called from any thread, must not block
     * @param kick closes the session; called from any thread, must not block, idempotent
     * @return the registration; close it when the session ends
     */
    public Registration register(String protocol, Role role, String path, String remote, String user,
            LongSupplier bytes, Runnable kick) {
        return register(protocol, role, path, remote, user, "", bytes, kick);
    }

    /**
     * Registers a session, as above, with the query string its client sent with the path (without the '?', ""
     * when none): the hooks get it as MTX_QUERY. Never shown by the API or logged: it may hold credentials.
     */
    public Registration register(String protocol, Role role, String path, String remote, String user, String query,
            LongSupplier bytes, Runnable kick) {
        Objects.requireNonNull(query, "query");
        String id;
        Entry e;
        do {
            id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(0, 12);
            e = new Entry(id, protocol, role, path, remote, user, query, clock.instant(), bytes, kick);
        } while (sessions.putIfAbsent(id, e) != null);
        events.sessionOpened(e.info());
        if (role == Role.READ) {
            readersChanged.accept(path);
        }
        return e;
    }

    /** Sets who is told when a path's reader sessions change; called from the registering thread, must not block. */
    void onReadersChanged(java.util.function.Consumer<String> listener) {
        readersChanged = listener;
    }

    /** A peer's address as sessions show it: "ip:port", "[v6]:port" for IPv6. */
    public static String remote(SocketAddress address) {
        if (address instanceof InetSocketAddress isa && isa.getAddress() != null) {
            String ip = isa.getAddress().getHostAddress();
            return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + isa.getPort();
        }
        return String.valueOf(address);
    }

    public List<SessionInfo> list() {
        List<SessionInfo> out = new ArrayList<>(sessions.size());
        for (Entry e : sessions.values()) {
            out.add(e.info());
        }
        out.sort((a, b) -> a.created().compareTo(b.created()));
        return out;
    }

    /** Reader sessions of one path. */
    public int readers(String path) {
        int n = 0;
        for (Entry e : sessions.values()) {
            if (e.role == Role.READ && e.path.equals(path)) {
                n++;
            }
        }
        return n;
    }

    /** The publisher session of one path, or null. */
    public SessionInfo publisher(String path) {
        for (Entry e : sessions.values()) {
            if (e.role == Role.PUBLISH && e.path.equals(path)) {
                return e.info();
            }
        }
        return null;
    }

    /** Closes one session; false if unknown. */
    public boolean kick(String id) {
        Entry e = sessions.get(id);
        if (e == null) {
            return false;
        }
        e.kick.run();
        return true;
    }

    /** Handle of one registered session. */
    public interface Registration extends AutoCloseable {
        String id();

        @Override
        void close();
    }

    private final class Entry implements Registration {
        final String id;
        final String protocol;
        final Role role;
        final String path;
        final String remote;
        final String user;
        final String query;
        final Instant created;
        final LongSupplier bytes;
        final Runnable kick;

        Entry(String id, String protocol, Role role, String path, String remote, String user, String query,
                Instant created, LongSupplier bytes, Runnable kick) {
            this.id = id;
            this.protocol = protocol;
            this.role = role;
            this.path = path;
            this.remote = remote;
            this.user = user;
            this.query = query;
            this.created = created;
            this.bytes = bytes;
            this.kick = kick;
        }

        SessionInfo info() {
            return new SessionInfo(id, protocol, role.json(), path, remote, user, created, bytes.getAsLong(), query);
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void close() {
            if (sessions.remove(id, this)) {
                events.sessionClosed(info());
                if (role == Role.READ) {
                    readersChanged.accept(path);
                }
            }
        }
    }
}
