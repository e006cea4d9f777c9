package io.sluice.net.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.protocol.sdp.SdpException;
import io.sluice.protocol.webrtc.DtlsFingerprint;
import io.sluice.threads.SluiceThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jitsi.srtp.SrtpErrorStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebrtcTransport is one peer connection's transport: ICE, then DTLS, then SRTP; RTP and RTCP in and out
 * over one BUNDLEd, rtcp-muxed ICE component.
 *
 * <p>Threads: after {@link #start} one platform thread ("sluice-webrtc-N") waits for ICE, runs the DTLS
 * handshake and then reads, decrypts and delivers every packet: all {@link Listener} calls happen on it,
 * so a listener may forward inline without a hand-off. {@link #sendRtp}/{@link #sendRtcp} are called from
 * any thread (one lock each, jitsi-srtp contexts are not thread-safe). {@link #close()} joins the thread.
 */
public final class WebrtcTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebrtcTransport.class);
    /** Waiting for a nominated pair; ice4j reports FAILED sooner when every pair has failed. */
    static final long ICE_TIMEOUT_MILLIS = 30_000;
    /** RFC 7675 §5.1: consent expires 30 s after the last confirmation; media from the peer counts too. */
    static final long CONSENT_TIMEOUT_MILLIS = 30_000;
    private static final int POLL_MILLIS = 250;
    /** Cap on close()'s wait for the thread, which ends within POLL_MILLIS unless something is badly stuck. */
    private static final long JOIN_MILLIS = 5_000;

    /** Receives one transport's events, all on its thread (see the class comment). */
    public interface Listener {
        /** DTLS done, SRTP keys in place. */
        void onConnected();

        /** One decrypted RTP packet; ownership moves to the listener. */
        void onRtp(ByteBuf rtp, long receivedNanos);

        /** One decrypted RTCP compound packet; ownership moves to the listener. */
        void onRtcp(ByteBuf rtcp, long receivedNanos);

        /** Called once: null cause = closed by close(). */
        void onClosed(Throwable cause);
    }

    private final IceSession ice;
    private final DtlsCertificate certificate;
    private final Listener listener;
    private final boolean serverSide;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closeCalled = new AtomicBoolean();
    private final AtomicBoolean notified = new AtomicBoolean();
    private final AtomicBoolean freed = new AtomicBoolean();
    private volatile boolean closing;
    private volatile String state = "new";
    private volatile Thread thread;
    private volatile SrtpSession srtp;
    private volatile String srtpProfile = "";
    private final SrtpSender sender;
    private final LongAdder packetsReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder decryptErrors = new LongAdder();

    private WebrtcTransport(IceSession ice, DtlsCertificate certificate, Listener listener, boolean serverSide) {
        this.ice = ice;
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.serverSide = serverSide;
        this.sender = new SrtpSender(ice);
    }

    /**
     * Server side of WHIP/WHEP: ICE controlled, DTLS server (Sluice answers a=setup:passive). Candidates on
     * the mux's port.
     */
    public static WebrtcTransport forServer(WebrtcUdpMux mux, DtlsCertificate cert, Listener l) {
        return forServer(mux, null, cert, l);
    }

    /** The same with passive ICE-TCP candidates on {@code tcp} too (null = UDP only). */
    public static WebrtcTransport forServer(WebrtcUdpMux mux, WebrtcTcpMux tcp, DtlsCertificate cert, Listener l) {
        try {
            return new WebrtcTransport(IceSession.server(mux, tcp), cert, l, true);
        } catch (IOException e) {
            throw new UncheckedIOException("WebRTC server transport on " + mux + ": " + e.getMessage(), e);
        }
    }

    /**
     * WHIP client (forwarding): ICE controlling, own ephemeral UDP port bound to bindHost (null = all
     * interfaces), STUN/TURN harvesting from iceServers; DTLS role from the remote answer's setup.
     */
    public static WebrtcTransport forClient(DtlsCertificate cert, List<IceServer> iceServers, String bindHost,
            Listener l) {
        return forClient(cert, iceServers, bindHost, false, l);
    }

    /**
     * The same, with relayOnly: only TURN-relayed candidates (iceTransportPolicy relay).
     *
     * @throws UncheckedIOException when relayOnly has no TURN server to use, or the sockets fail
     */
    public static WebrtcTransport forClient(DtlsCertificate cert, List<IceServer> iceServers, String bindHost,
            boolean relayOnly, Listener l) {
        try {
            return new WebrtcTransport(IceSession.client(List.copyOf(iceServers), bindHost, relayOnly), cert, l,
                    false);
        } catch (IOException e) {
            throw new UncheckedIOException("WebRTC client transport on " + bindHost + ": " + e.getMessage(), e);
        }
    }

    /**
     * The bind host for a client transport to {@code remoteHost}: loopback when the remote is on this machine's
     * loopback (host candidates on other interfaces cannot reach it, and offering them lets the two ICE agents
     * settle on different pairs: seen with libnice, our media went out from one address and its RTCP came back
     * to another), else null, every interface.
     */
    public static String clientBindHost(String remoteHost) {
        try {
            java.net.InetAddress a = java.net.InetAddress.getByName(remoteHost);
            return a.isLoopbackAddress() ? a.getHostAddress() : null;
        } catch (java.net.UnknownHostException e) {
            return null; // the HTTP request will report it
        }
    }

    public String localUfrag() {
        return ice.ufrag();
    }

    public String localPwd() {
        return ice.pwd();
    }

    /** "sha-256 AB:CD:..." for a=fingerprint. */
    public String localFingerprint() {
        return "sha-256 " + certificate.fingerprintSha256();
    }

    /** a=candidate values without "a=", gathered when this transport was made. */
    public List<String> localCandidates() {
        return ice.localCandidates();
    }

    /**
     * Starts ICE connectivity checks and then DTLS.
     *
     * @param remoteSetup       "active"|"passive"|"actpass": the remote offer's (server side) or answer's (client)
     * @param remoteFingerprint "sha-256 AB:CD:.."; the peer's DTLS certificate must match it
     * @param remoteCandidates  a=candidate values, may be empty (trickle, or the peer connects to us)
     * @throws IllegalArgumentException naming a malformed fingerprint, setup or candidate
     */
    public void start(String remoteUfrag, String remotePwd, String remoteFingerprint, String remoteSetup,
            List<String> remoteCandidates) {
        DtlsFingerprint fingerprint;
        try {
            fingerprint = DtlsFingerprint.parse(remoteFingerprint).checkedHash();
        } catch (SdpException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        boolean dtlsClient = switch (Objects.requireNonNull(remoteSetup, "remoteSetup")) {
            // RFC 8842 §5.3: the answerer picks; as answerer Sluice says passive unless the offer did
            case "active" -> false;
            case "passive" -> true;
            // an answer must not say actpass (RFC 8842 §5.2); if one does, take the client role as the offerer would
            case "actpass" -> !serverSide;
            default -> throw new IllegalArgumentException("a=setup must be active, passive or actpass, got \""
                    + remoteSetup + "\"");
        };
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("WebRTC transport already started");
        }
        if (closing) {
            return;
        }
        ice.start(remoteUfrag, remotePwd, remoteCandidates);
        state = "checking";
        thread = SluiceThreads.startPlatform("webrtc", true, () -> run(dtlsClient, fingerprint));
    }

    /** Adds a trickled candidate (WHIP PATCH). */
    public void addRemoteCandidate(String candidate) {
        ice.addRemoteCandidate(candidate);
    }

    private void run(boolean dtlsClient, DtlsFingerprint fingerprint) {
        Throwable cause = null;
        try {
            long iceStart = System.nanoTime();
            while (!closing) {
                try {
                    ice.awaitSelected(POLL_MILLIS);
                    break;
                } catch (TimeoutException e) {
                    if (System.nanoTime() - iceStart > ICE_TIMEOUT_MILLIS * 1_000_000L) {
                        throw new WebrtcException("ICE did not connect within " + ICE_TIMEOUT_MILLIS / 1000 + " s",
                                e);
                    }
                }
            }
            if (closing) {
                return;
            }
            state = "connected";
            LOG.debug("ICE connected {} after {} ms", ice.selectedPair(), (System.nanoTime() - iceStart) / 1_000_000);
            DtlsHandshake dtls = new DtlsHandshake(ice, () -> closing);
            state = "dtls";
            DtlsSrtpKeys keys = dtls.run(dtlsClient, certificate, fingerprint);
            srtpProfile = keys.profile().name();
            srtp = new SrtpSession(keys);
            state = "ready";
            LOG.debug("WebRTC {} ready: DTLS {}, SRTP {}", ice.selectedPair(), dtlsClient ? "client" : "server",
                    srtpProfile);
            listener.onConnected();
            TransportReader.Ending end = new TransportReader(this, ice, dtls).loop();
            if (end != null) {
                cause = end.cause();
            }
            dtls.sendCloseNotify();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            cause = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (cause != null && !closing) {
                state = "failed";
                LOG.debug("WebRTC transport {} failed: {}", ice.ufrag(), cause.toString());
                free();
                notifyClosed(cause);
            }
        }
    }

    boolean closing() {
        return closing;
    }

    /** Delivers one decrypted packet (the reader's thread). */
    void deliver(boolean rtcp, SrtpBuffer b, long receivedNanos) {
        packetsReceived.increment();
        bytesReceived.add(b.getLength());
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(b.getLength()).writeBytes(b.getBuffer(), b.getOffset(),
                b.getLength());
        if (rtcp) {
            listener.onRtcp(buf, receivedNanos);
        } else {
            listener.onRtp(buf, receivedNanos);
        }
    }

    SrtpErrorStatus unprotect(boolean rtcp, SrtpBuffer b) throws GeneralSecurityException {
        SrtpErrorStatus s = rtcp ? srtp.unprotectRtcp(b) : srtp.unprotectRtp(b);
        if (s != SrtpErrorStatus.OK) {
            decryptErrors.increment();
        }
        return s;
    }

    /**
     * Encrypts and sends; callable from any thread, never blocks for long (UDP). Returns false if not ready
     * yet or closed (the packet is dropped and counted in {@link #sendDropped()}). Does NOT take ownership:
     * the caller keeps and releases its ByteBuf.
     */
    public boolean sendRtp(ByteBuf rtp) {
        return sender.send(closing ? null : srtp, rtp, false);
    }

    /**
     * From now on every RTP packet sent gets the transport-wide sequence number extension with the
     * negotiated one-byte id {@code extId} (1..14), and is recorded in {@code estimator} for the remote's
     * transport-cc feedback. For a sender (WHIP target) whose remote negotiated transport-cc.
     */
    public void numberTransportWide(int extId, io.sluice.protocol.rtp.SendSideEstimator estimator) {
        if (extId < 1 || extId > 14) {
            throw new IllegalArgumentException("invalid transport-wide-cc extension id " + extId + ", expected 1..14");
        }
        sender.numberTransportWide(extId, Objects.requireNonNull(estimator, "estimator"));
    }

    /** Encrypts and sends an RTCP compound packet. Does NOT take ownership of {@code rtcp}. */
    public boolean sendRtcp(ByteBuf rtcp) {
        return sender.send(closing ? null : srtp, rtcp, true);
    }

    /** "new", "checking", "connected" (ICE), "dtls", "ready", "closed" or "failed". */
    public String state() {
        return state;
    }

    public long packetsSent() {
        return sender.packets.sum();
    }

    /** Plaintext bytes, as handed to sendRtp/sendRtcp. */
    public long bytesSent() {
        return sender.bytes.sum();
    }

    public long packetsReceived() {
        return packetsReceived.sum();
    }

    /** Decrypted bytes. */
    public long bytesReceived() {
        return bytesReceived.sum();
    }

    public long decryptErrors() {
        return decryptErrors.sum();
    }

    /** Packets sendRtp/sendRtcp refused (not ready, closed, too short, send error). */
    public long sendDropped() {
        return sender.dropped.sum();
    }

    /** The negotiated SRTP protection profile, e.g. "AEAD_AES_128_GCM", "" before DTLS finished. */
    String srtpProfile() {
        return srtpProfile;
    }

    /** "127.0.0.1:8189 <-> 127.0.0.1:54321 udp" (or tcp, relay), or "" before ICE connected. */
    public String selectedPair() {
        return ice.selectedPair();
    }

    /** The selected ICE pair (transport, local and remote candidate), null before ICE connected. */
    public IcePair icePair() {
        return ice.pair();
    }

    /**
     * Idempotent; returns after this transport's thread ended (it notices within {@value #POLL_MILLIS} ms, the
     * wait is capped at {@value #JOIN_MILLIS} ms); calls onClosed(null) if not already. An interrupt does not cut
     * the wait short (it is kept for the caller): a forward target is stopped by interrupting the thread that
     * closes its transport, and freeing ICE while this transport's thread still reads would race it.
     */
    @Override
    public void close() {
        closing = true;
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            joinUninterruptibly(t);
        }
        if (closeCalled.compareAndSet(false, true)) {
            free();
            if (!state.equals("failed")) {
                state = "closed";
            }
            notifyClosed(null);
        }
    }

    private void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + JOIN_MILLIS * 1_000_000L;
        try {
            while (t.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("WebRTC transport {}: its thread {} did not end within {} ms", ice.ufrag(), t.getName(),
                            JOIN_MILLIS);
                    return;
                }
                try {
                    t.join(java.time.Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void free() {
        if (freed.compareAndSet(false, true)) {
            ice.free();
            SrtpSession s = srtp;
            srtp = null;
            if (s != null) {
                sender.quiesce(s::close);
            }
        }
    }

    private void notifyClosed(Throwable cause) {
        if (notified.compareAndSet(false, true)) {
            listener.onClosed(cause);
        }
    }

    /** Why a transport stopped reading: a message for onClosed. */
    static WebrtcException timeout(String what) {
        return new WebrtcException(what, new TimeoutException(what));
    }
}
