package io.sluice.net.webrtc;

import io.sluice.threads.SluiceThreads;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebrtcRuntime is what every WebRTC peer of one server shares and what costs memory and CPU before any peer
 * comes: the DTLS certificate (Bouncy Castle) and the SRTP warm-up (jitsi-srtp's AES benchmark, 1-2 s of
 * CPU and tens of MB of garbage in a cold JVM). A server that never sees WebRTC never pays for them: they
 * start on the first WHIP/WHEP request, WHIP target or WHEP source ({@link #prepare()}), not with the server.
 *
 * <p>The warm-up still runs on a thread of its own before the first SRTP packet: the first session's ICE and
 * DTLS handshakes (tens of ms at least) overlap it, and a client transport waits for it
 * ({@link SrtpWarmUp#awaitDone}). The server that owns this closes it, which joins that thread.
 * Thread-safe.
 */
public final class WebrtcRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebrtcRuntime.class);

    /** Guarded by this. */
    private DtlsCertificate cert;
    /** The warm-up thread if this runtime started it (once per process), joined on close. Guarded by this. */
    private Thread warmUp;
    /** The thread of {@link #prepareInBackground()}, joined on close. Guarded by this. */
    private Thread preparing;
    /** Guarded by this. */
    private boolean prepared;
    /** Guarded by this. */
    private boolean closed;

    /**
     * Starts the SRTP warm-up in the background (once per process) and ice4j's settings; returns at once. Called
     * as early as a WebRTC peer is known to come, so that the warm-up overlaps what that peer does first.
     */
    public synchronized void prepare() {
        if (prepared || closed) {
            return;
        }
        prepared = true;
        LOG.debug("WebRTC runtime: first use, starting the SRTP warm-up");
        warmUp = SrtpWarmUp.startInBackground();
    }

    /**
     * Prepares everything, the certificate included, on a thread of its own; returns at once. For a server
     * whose configuration names WebRTC peers (a WHIP target, a WHEP source): they will come, and their first
     * session should not wait for the certificate and the warm-up.
     */
    public synchronized void prepareInBackground() {
        if (preparing != null || cert != null || closed) {
            return;
        }
        preparing = SluiceThreads.startPlatform("webrtc-prepare", true, this::certificate);
    }

    /**
     * The certificate of every DTLS session of this server, made on the first call, which also
     * {@link #prepare() prepares} the rest. Not made at start although it is small: the P-256 key generation of a
     * cold JVM (the JDK's precomputed tables) and Bouncy Castle's signed-jar verification leave tens of MB of
     * garbage that ZGC grows the heap for and does not give back while idle (measured: idle heap 57 MB lazy,
     * 215 MB with the certificate made at start; bench/README.md "Memory footprint").
     */
    public synchronized DtlsCertificate certificate() {
        prepare();
        if (cert == null) {
            cert = DtlsCertificate.generate();
        }
        return cert;
    }

    /** Waits for the warm-up this runtime started: a second or two of CPU that no interrupt shortens. */
    @Override
    public void close() {
        Thread[] threads;
        synchronized (this) {
            closed = true; // from here on nothing starts: prepare() sees it under this lock
            threads = new Thread[] {preparing, warmUp};
            preparing = null;
            warmUp = null;
        }
        for (Thread t : threads) { // a certificate being made and the warm-up: short CPU work, waited for
            if (t != null && !SluiceThreads.join(t, Duration.ofSeconds(10))) {
                LOG.warn("{} did not end within 10 s", t.getName());
            }
        }
    }
}
