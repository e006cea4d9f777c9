package io.sluice.net.webrtc;

import io.sluice.threads.SluiceThreads;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jitsi.srtp.SrtpErrorStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SrtpWarmUp runs SRTP once, with throwaway keys, before any peer does. jitsi-srtp chooses its AES
 * implementation the first time a context is derived, by building and benchmarking every provider it
 * knows (Bouncy Castle included): 1–2 s of CPU in a cold JVM. Left to the first real session, that
 * happens on the event loop sending its first packet and stalls every stream on that loop for as long
 * (bench/fanout-webrtc.sh measured queues overflowing). Started with the server's first WebRTC peer
 * ({@link WebrtcRuntime#prepare()}), not with the server (its garbage alone grew an idle server's heap by tens
 * of MB), it runs on a thread of its own while that peer's ICE and DTLS handshakes go on; the runtime that
 * started it joins it on close.
 */
public final class SrtpWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(SrtpWarmUp.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final CountDownLatch DONE = new CountDownLatch(1);

    private SrtpWarmUp() {
    }

    /**
     * Starts the warm-up once per process; returns at once, with the thread it started, which the caller owns
     * and joins on close, or null if an earlier call started it already.
     */
    public static Thread startInBackground() {
        if (STARTED.compareAndSet(false, true)) {
            return SluiceThreads.startPlatform("srtp-warmup", true, SrtpWarmUp::run);
        }
        return null;
    }

    /**
     * Waits (up to {@code max}) for a warm-up that was started to finish; returns at once when none was. A
     * client transport calls it before its first packet: jitsi-srtp's benchmark holds a class lock, so a
     * session that derives its first context meanwhile stalls behind it, for seconds on a loaded machine.
     *
     * @return false when the wait timed out
     */
    public static boolean awaitDone(Duration max) throws InterruptedException {
        return !STARTED.get() || DONE.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    static void run() {
        try {
            warmUp();
        } finally {
            DONE.countDown();
        }
    }

    private static void warmUp() {
        Ice4jSettings.apply(); // jitsi's loggers quieted before jitsi-srtp's first line
        long t0 = System.nanoTime();
        try {
            SecureRandom random = new SecureRandom();
            for (SrtpProfile p : SrtpProfile.values()) {
                byte[] key = new byte[p.keyLength];
                byte[] salt = new byte[p.saltLength];
                random.nextBytes(key);
                random.nextBytes(salt);
                SrtpSession s = new SrtpSession(new DtlsSrtpKeys(p, key, salt, key, salt));
                check(p, "RTP", s.protectRtp(packet(new byte[] {(byte) 0x80, 96, 0, 1}, 172))
                        && roundTrip(s, true));
                check(p, "RTCP", roundTrip(s, false));
            }
            LOG.debug("SRTP ready in {} ms", (System.nanoTime() - t0) / 1_000_000);
        } catch (GeneralSecurityException | RuntimeException e) {
            // not fatal: the first session then pays the cost itself
            LOG.warn("SRTP warm-up failed: {}", e.toString());
        }
    }

    /** Protects then unprotects one packet (a fresh SSRC each time, so every path derives a context). */
    private static boolean roundTrip(SrtpSession s, boolean rtp) throws GeneralSecurityException {
        if (rtp) {
            SrtpBuffer b = packet(new byte[] {(byte) 0x80, 96, 0, 2}, 172);
            return s.protectRtp(b) && s.unprotectRtp(b) == SrtpErrorStatus.OK;
        }
        // an empty receiver report: V=2, RC=0, PT=201, length=1 word after the header
        SrtpBuffer b = packet(new byte[] {(byte) 0x80, (byte) 201, 0, 1}, 8);
        return s.protectRtcp(b) && s.unprotectRtcp(b) == SrtpErrorStatus.OK;
    }

    private static SrtpBuffer packet(byte[] head, int length) {
        byte[] p = new byte[length];
        System.arraycopy(head, 0, p, 0, head.length);
        p[length > 12 ? 8 : 4] = 0x5A; // RTP SSRC (bytes 8..11) or RTCP sender SSRC (4..7): any value
        SrtpBuffer b = new SrtpBuffer(length + 64);
        b.set(p, 0, length);
        return b;
    }

    private static void check(SrtpProfile p, String what, boolean ok) {
        if (!ok) {
            LOG.warn("SRTP warm-up: {} {} round trip failed", p, what);
        }
    }
}
