package io.sluice.net.webrtc;

import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * SRTP/SRTCP protection of one peer connection (RFC 3711, jitsi-srtp): a context per SSRC, derived
 * from the DTLS-exported master key of each direction. jitsi-srtp contexts are not thread-safe, so
 * the caller holds one lock per direction-and-kind (the four maps are never shared between them).
 */
final class SrtpSession {
    /** Contexts are derived per SSRC on first sight; bound them so garbage SSRCs cannot grow the maps. */
    private static final int MAX_SSRCS = 64;
    private static final LoggerImpl JITSI_LOG = new LoggerImpl(SrtpSession.class.getName());

    private final SrtpContextFactory sendFactory;
    private final SrtpContextFactory receiveFactory;
    private final Map<Integer, SrtpCryptoContext> sendRtp = new HashMap<>();
    private final Map<Integer, SrtcpCryptoContext> sendRtcp = new HashMap<>();
    private final Map<Integer, SrtpCryptoContext> receiveRtp = new HashMap<>();
    private final Map<Integer, SrtcpCryptoContext> receiveRtcp = new HashMap<>();

    SrtpSession(DtlsSrtpKeys keys) {
        SrtpProfile p = keys.profile();
        sendFactory = new SrtpContextFactory(true, keys.localKey(), keys.localSalt(), p.policy(), p.policy(),
                JITSI_LOG);
        receiveFactory = new SrtpContextFactory(false, keys.remoteKey(), keys.remoteSalt(), p.policy(), p.policy(),
                JITSI_LOG);
    }

    /** Encrypts an RTP packet in place; callers hold the RTP send lock. */
    boolean protectRtp(SrtpBuffer b) throws GeneralSecurityException {
        SrtpCryptoContext c = rtpContext(sendRtp, sendFactory, ssrc(b, 8));
        return c != null && c.transformPacket(b) == SrtpErrorStatus.OK;
    }

    /** Encrypts an RTCP compound packet in place; callers hold the RTCP send lock. */
    boolean protectRtcp(SrtpBuffer b) throws GeneralSecurityException {
        SrtcpCryptoContext c = rtcpContext(sendRtcp, sendFactory, ssrc(b, 4));
        return c != null && c.transformPacket(b) == SrtpErrorStatus.OK;
    }

    /** Decrypts and authenticates in place; called on the transport's thread only. */
    SrtpErrorStatus unprotectRtp(SrtpBuffer b) throws GeneralSecurityException {
        SrtpCryptoContext c = rtpContext(receiveRtp, receiveFactory, ssrc(b, 8));
        return c == null ? SrtpErrorStatus.FAIL : c.reverseTransformPacket(b, false);
    }

    SrtpErrorStatus unprotectRtcp(SrtpBuffer b) throws GeneralSecurityException {
        SrtcpCryptoContext c = rtcpContext(receiveRtcp, receiveFactory, ssrc(b, 4));
        return c == null ? SrtpErrorStatus.FAIL : c.reverseTransformPacket(b);
    }

    private static SrtpCryptoContext rtpContext(Map<Integer, SrtpCryptoContext> m, SrtpContextFactory f, int ssrc)
            throws GeneralSecurityException {
        SrtpCryptoContext c = m.get(ssrc);
        if (c == null && m.size() < MAX_SSRCS) {
            synchronized (f) { // the RTP and RTCP send locks share the send factory
                c = f.deriveContext(ssrc, 0);
            }
            m.put(ssrc, c);
        }
        return c;
    }

    private static SrtcpCryptoContext rtcpContext(Map<Integer, SrtcpCryptoContext> m, SrtpContextFactory f,
            int ssrc) throws GeneralSecurityException {
        SrtcpCryptoContext c = m.get(ssrc);
        if (c == null && m.size() < MAX_SSRCS) {
            synchronized (f) {
                c = f.deriveControlContext(ssrc);
            }
            m.put(ssrc, c);
        }
        return c;
    }

    /** The SSRC at {@code at}: 8 for RTP (RFC 3550 §5.1), 4 for the RTCP sender (§6.4.1). */
    private static int ssrc(SrtpBuffer b, int at) {
        byte[] a = b.getBuffer();
        int o = b.getOffset() + at;
        return (a[o] & 0xFF) << 24 | (a[o + 1] & 0xFF) << 16 | (a[o + 2] & 0xFF) << 8 | a[o + 3] & 0xFF;
    }

    void close() {
        sendFactory.close();
        receiveFactory.close();
    }
}
