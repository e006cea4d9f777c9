package io.sluice.server.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.sluice.net.webrtc.IcePair;
import io.sluice.net.webrtc.WebrtcTransport;
import io.sluice.path.PathException;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.webrtc.LocalEndpoint;
import io.sluice.protocol.webrtc.WebrtcNegotiationException;
import io.sluice.protocol.webrtc.WebrtcSession;
import io.sluice.threads.SluiceThreads;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebrtcPeerSession is one WHIP or WHEP peer connection: what both kinds share — the transport, the
 * connect deadline and an idempotent close that removes the session from the server.
 */
abstract sealed class WebrtcPeerSession implements WebrtcTransport.Listener, AutoCloseable
        permits WebrtcPublishSession, WebrtcReadSession {
    static final Logger LOG = LoggerFactory.getLogger(WebrtcPeerSession.class);

    final WebrtcServer server;
    final String id;
    final String path;
    final String tag;
    final String remote;
    /** The user it authenticated as, "" when it needed no credentials. */
    final String user;
    final EventLoop loop;
    /** The query its client sent with the WHIP/WHEP URL (MTX_QUERY), "" when none; never logged. Set before open. */
    volatile String query = "";
    volatile WebrtcTransport transport;
    private volatile SessionRegistry.Registration registration;
    private String remoteUfrag = "";
    private volatile boolean connected;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile io.netty.util.concurrent.ScheduledFuture<?> watchdog;

    WebrtcPeerSession(WebrtcServer server, String id, String path, String remote, String user, String kind,
            EventLoop loop) {
        this.server = server;
        this.id = id;
        this.path = path;
        this.remote = remote;
        this.user = user;
        this.loop = loop;
        this.tag = "[webrtcSession " + remote + " " + kind + " " + id.substring(0, 8) + "]";
    }

    String id() {
        return id;
    }

    String path() {
        return path;
    }

    String remoteUfrag() {
        return remoteUfrag;
    }

    boolean isClosed() {
        return closed.get();
    }

    /** The registry's id of this session (the API's), null before it holds the path. */
    String registryId() {
        SessionRegistry.Registration r = registration;
        return r == null ? null : r.id();
    }

    /** The selected ICE pair, null before ICE connected. Any thread. */
    IcePair icePair() {
        WebrtcTransport t = transport;
        return t == null ? null : t.icePair();
    }

    /**
     * Negotiates the offer and takes the path (publisher or reader); returns the answer SDP. On
     * failure nothing is left open except the transport, which the caller closes.
     */
    final String negotiate(WebrtcTransport t, WebrtcSession offer, LocalEndpoint local)
            throws WebrtcNegotiationException, PathException {
        this.transport = t;
        this.remoteUfrag = offer.ice().ufrag();
        return setUp(offer, local);
    }

    abstract String setUp(WebrtcSession offer, LocalEndpoint local)
            throws WebrtcNegotiationException, PathException;

    /** Bytes the session counts for the registry: received from a publisher, sent to a reader. */
    abstract long bytes();

    abstract SessionRegistry.Role role();

    /**
     * Enters the session in the server-wide registry once it holds the path (publisher or reader); the
     * registration ends with the session.
     */
    final void register() {
        SessionRegistry.Registration r = server.sessions().register("webrtc", role(), path, remote, user, query,
                this::bytes, this::kick);
        registration = r;
        if (closed.get()) {
            r.close(); // closed meanwhile, before close() could see the registration
        }
    }

    /** Closes the session from any thread without waiting for it (on the session's loop). */
    final void kick() {
        LOG.info("{} kicked", tag);
        closeLater();
    }

    private void closeLater() {
        try {
            loop.execute(this::close);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the loop has stopped (server closing): a short-lived thread, ended by close() itself
            SluiceThreads.startVirtual("webrtc-close", this::close);
        }
    }

    /** Media can flow: DTLS is done. */
    abstract void started();

    /** How long the peer has sent nothing this session lives on (media from a publisher, RTCP from a reader). */
    abstract long nanosSinceHeard();

    /** Frees what {@link #setUp} took. Called once. */
    abstract void tearDown();

    void addRemoteCandidate(String candidate) {
        transport.addRemoteCandidate(candidate);
    }

    void armConnectTimeout(long ms) {
        loop.schedule(() -> {
            if (!connected && !closed.get()) {
                LOG.info("{} closing: ICE/DTLS not connected after {} ms", tag, ms);
                close();
            }
        }, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public final void onConnected() {
        connected = true;
        LOG.info("{} connected on '{}' via {}", tag, path, transport.selectedPair());
        if (!closed.get()) {
            started();
            long limit = server.conf().io().readTimeout().toNanos();
            watchdog = loop.scheduleAtFixedRate(() -> {
                if (nanosSinceHeard() > limit) {
                    LOG.info("{} closing: nothing heard from the peer for {} ms (readTimeout)", tag, limit / 1_000_000);
                    close();
                }
            }, 1, 1, TimeUnit.SECONDS);
        }
    }

    @Override
    public void onRtp(ByteBuf rtp, long receivedNanos) {
        rtp.release();
    }

    @Override
    public void onRtcp(ByteBuf rtcp, long receivedNanos) {
        rtcp.release();
    }

    @Override
    public final void onClosed(Throwable cause) {
        if (cause != null && !closed.get()) {
            LOG.info("{} peer connection on '{}' ended: {}", tag, path, cause.getMessage());
        }
        // not inline: this may run on the transport's own thread, which close() waits for
        closeLater();
    }

    /** Ends the session: media stops, the path is released, the transport closes. Idempotent. */
    @Override
    public final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.remove(this);
        SessionRegistry.Registration r = registration;
        if (r != null) {
            r.close();
        }
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        try {
            tearDown();
        } finally {
            if (transport != null) {
                transport.close();
            }
        }
        LOG.info("{} closed ('{}')", tag, path);
    }
}
