package io.sluice.server.srt;

import io.sluice.auth.Authorizer;
import io.sluice.conf.Addresses;
import io.sluice.conf.AuthAction;
import io.sluice.conf.Conf;
import io.sluice.conf.PathConf;
import io.sluice.net.ConnectionLimiter;
import io.sluice.net.NetLoops;
import io.sluice.net.Refusals;
import io.sluice.net.srt.Srt;
import io.sluice.net.srt.SrtException;
import io.sluice.net.srt.SrtListener;
import io.sluice.net.srt.SrtListener.Decision;
import io.sluice.net.srt.SrtOptions;
import io.sluice.net.srt.SrtReject;
import io.sluice.net.srt.SrtSocket;
import io.sluice.path.Path;
import io.sluice.path.PathException;
import io.sluice.path.PathManager;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.srt.SrtStreamId;
import io.sluice.threads.SluiceThreads;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SrtServer accepts SRT publishers and readers on {@code srtAddress}, routed by stream id.
 *
 * <p>Callers are judged inside libsrt's handshake (the {@link SrtListener.Gate}): an unknown path,
 * wrong credentials, a busy path or a path with nothing to read is refused with the SRT
 * access-control reject code, and a path with a passphrase makes libsrt itself refuse a caller with
 * the wrong one (BADSECRET) — all before a connection exists, so nothing else is disturbed.
 *
 * <p>Threads: one accepting thread, and one platform thread per connection that waits in libsrt's
 * receive (a blocking native call would pin a virtual thread's carrier anyway). Media never waits on
 * these threads: a publisher's messages are handed to an event loop in batches, and readers send on
 * their stream's publisher loop.
 *
 * <p>Socket ownership: the listener belongs to this server and is closed only by {@link #close()},
 * which is also what wakes the accepting thread (libsrt returns an error to a blocked srt_accept).
 * Each accepted socket belongs to its {@link SrtConn}, whose thread closes it when the session ends;
 * {@link SrtConn#close()} (kick, server close) may close it from any thread, which wakes that
 * thread's srt_recvmsg. {@code close()} returns only after every connection thread has ended, so no
 * thread of this server is inside libsrt afterwards (libsrt's cleanup relies on that).
 */
public final class SrtServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SrtServer.class);

    private volatile Conf conf;
    private final NetLoops loops;
    private final PathManager paths;
    private final Supplier<Authorizer> auth;
    private final ExecutorService threads = SluiceThreads.perTaskPlatform("srt", true);
    private final Set<SrtConn> conns = ConcurrentHashMap.newKeySet();
    /** Counts accepted sockets per listener and per address; refusals go out in the handshake (OVERLOAD). */
    private final ConnectionLimiter limiter;
    private SrtListener listener;
    private volatile boolean closed;

    /** @param auth the authorizer in force, asked in every handshake (a reload may replace it) */
    public SrtServer(Conf conf, NetLoops loops, PathManager paths, Supplier<Authorizer> auth, Refusals refusals) {
        this.conf = conf;
        this.limiter = new ConnectionLimiter("srt", () -> this.conf.limits(), refusals,
                ConnectionLimiter.Refusal.CLOSE, ConnectionLimiter.Deadline.FIRST_REQUEST);
        this.loops = loops;
        this.paths = paths;
        this.auth = auth;
    }

    /**
     * Binds the listener. Without libsrt the server stays off with a warning (the other protocols
     * keep working); a taken port is an error.
     */
    public void start() throws SrtException {
        if (!Srt.available()) {
            LOG.warn("SRT listener not started: {}", Srt.unavailableReason());
            return;
        }
        InetSocketAddress addr = Addresses.parse(conf.srt().address());
        listener = SrtListener.bind(addr, SrtOptions.defaults(), this::decide);
        LOG.info("SRT listener on {}:{} (libsrt {})", addr.getHostString(), listener.port(), Srt.version());
        threads.execute(this::acceptLoop);
    }

    /** Accepted connections open now (what maxConnections and maxConnectionsPerIP count). */
    public int connections() {
        return limiter.open();
    }

    /** The bound UDP port, or -1 when SRT is off. */
    public int port() {
        return listener == null ? -1 : listener.port();
    }

    /** Runs in libsrt's handshake thread: fast, never blocks, never throws. */
    private Decision decide(String streamId, InetSocketAddress peer) {
        // libsrt runs the handshake itself, statelessly until the conclusion (SYN cookies), so a caller
        // cannot hold a half-open connection here; what it can hold is accepted sockets, bounded below.
        Refusals.Cause over = limiter.check(peer.getAddress());
        if (over != null) {
            limiter.refuse(over, peer, limiter.detail(over));
            return Decision.reject(SrtReject.OVERLOAD);
        }
        SrtStreamId id;
        try {
            id = SrtStreamId.parse(streamId);
        } catch (SrtStreamId.BadStreamIdException e) {
            return refuse(peer, e.badMode() ? SrtReject.BAD_MODE : SrtReject.BAD_REQUEST, e.getMessage());
        }
        try {
            PathManager.checkName(id.path());
        } catch (PathException e) {
            return refuse(peer, SrtReject.BAD_REQUEST, e);
        }
        PathConf pc = paths.confFor(id.path());
        if (pc == null) {
            return refuse(peer, SrtReject.NOT_FOUND, "path '" + id.path() + "' is not configured");
        }
        if (user(id, peer) == null) {
            return refuse(peer, SrtReject.UNAUTHORIZED, "wrong or missing credentials"
                    + (id.user().isEmpty() ? "" : " (user '" + id.user() + "')") + " to "
                    + (id.publish() ? "publish to" : "read") + " '" + id.path() + "'");
        }
        if (id.publish()) {
            Path p = paths.get(id.path());
            if (p != null && p.refusesNewPublisher()) {
                return refuse(peer, SrtReject.CONFLICT, "path '" + id.path() + "' already has a publisher ("
                        + p.publisherDescription() + ")");
            }
            try {
                paths.checkPublish(id.path());
            } catch (PathException e) {
                return refuse(peer, e.reason() == PathException.Reason.MAX_PATHS ? SrtReject.OVERLOAD
                        : SrtReject.NOT_FOUND, e);
            }
            return Decision.accept(pc.srtPublishPassphrase(), pc.srtLatencyMs());
        }
        try {
            paths.checkReadable(id.path()); // an on-demand path is started once the connection is accepted
        } catch (PathException e) {
            return refuse(peer, e.reason() == PathException.Reason.MAX_READERS ? SrtReject.OVERLOAD
                    : SrtReject.NOT_FOUND, e);
        }
        return Decision.accept(pc.srtReadPassphrase(), pc.srtLatencyMs());
    }

    /** The user the stream id's credentials authenticate as ("" when none are needed), or null. */
    String user(SrtStreamId id, InetSocketAddress peer) {
        return auth.get().authenticate(id.publish() ? AuthAction.PUBLISH : AuthAction.READ, id.path(), id.user(),
                id.pass(), peer.getAddress());
    }

    /**
     * Refuses for a reason of the path layer: bad names get SRT_REJX_BAD_REQUEST, maxPaths and maxReaders
     * SRT_REJX_OVERLOAD (1402, "too many", the closest access-control code to HTTP 503); those are counted
     * and logged (at most once a second) by the path manager's Refusals.
     */
    private Decision refuse(InetSocketAddress peer, int code, PathException e) {
        if (paths.countRefusal("srt", SessionRegistry.remote(peer), e)) {
            LOG.debug("[srtConn {}] refused ({} {}): {}", peer, code, SrtReject.name(code), e.getMessage());
            return Decision.reject(code);
        }
        return refuse(peer, code, e.getMessage());
    }

    private static Decision refuse(InetSocketAddress peer, int code, String why) {
        LOG.info("[srtConn {}] refused ({} {}): {}", peer, code, SrtReject.name(code), why);
        return Decision.reject(code);
    }

    private void acceptLoop() {
        while (!closed) {
            SrtSocket s;
            try {
                s = listener.accept();
            } catch (SrtException e) {
                if (!closed) {
                    LOG.error("SRT accept failed, listener stopped: {}", e.getMessage());
                }
                return;
            }
            InetAddress address = s.peer().getAddress();
            Refusals.Cause over = limiter.acquire(address);
            if (over != null) { // callers that passed the gate together, over the limit: close right away
                limiter.refuse(over, s.peer(), limiter.detail(over));
                s.close();
                continue;
            }
            SrtStreamId id;
            try {
                id = SrtStreamId.parse(s.streamId());
            } catch (SrtStreamId.BadStreamIdException e) {
                s.close(); // the gate accepted it, so this cannot happen short of a libsrt change
                limiter.release(address);
                continue;
            }
            String user = user(id, s.peer());
            // null only if a reload changed the authorizer since the handshake gate let it in
            SrtConn c = new SrtConn(this, s, id, user == null ? id.user() : user);
            conns.add(c);
            try {
                threads.execute(() -> {
                    try {
                        c.run();
                    } finally {
                        conns.remove(c);
                        limiter.release(address);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                c.close();
                limiter.release(address);
                return;
            }
        }
    }

    /**
     * Takes settings that apply without rebinding (timeouts, queue sizes, accepted transports): the next
     * sessions and checks use them. Listen addresses and TLS files need a new server.
     */
    public void update(Conf next) {
        conf = next;
    }

    Conf conf() {
        return conf;
    }

    NetLoops loops() {
        return loops;
    }

    PathManager paths() {
        return paths;
    }

    SessionRegistry sessions() {
        return paths.sessions();
    }

    /** Closes the listener and every connection; returns when their threads have ended. */
    @Override
    public void close() {
        closed = true;
        if (listener != null) {
            listener.close();
        }
        for (SrtConn c : conns) {
            c.close();
        }
        threads.close();
    }
}
