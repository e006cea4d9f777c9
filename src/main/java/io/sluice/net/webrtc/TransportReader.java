package io.sluice.net.webrtc;

import java.io.IOException;
import java.net.DatagramPacket;
import java.security.GeneralSecurityException;
import org.jitsi.srtp.SrtpErrorStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read loop of a connected transport, on its thread: one datagram at a time from the ICE component,
 * demultiplexed (RFC 7983) into DTLS records (alerts, close_notify), SRTP and SRTCP.
 */
final class TransportReader {
    private static final Logger LOG = LoggerFactory.getLogger(TransportReader.class);

    /** Why the loop ended other than by close(). */
    record Ending(WebrtcException cause) {
    }

    private final WebrtcTransport transport;
    private final IceSession ice;
    private final DtlsHandshake dtls;
    private final SrtpBuffer in = new SrtpBuffer(2048);
    private final DatagramPacket packet = new DatagramPacket(new byte[0], 0);

    TransportReader(WebrtcTransport transport, IceSession ice, DtlsHandshake dtls) {
        this.transport = transport;
        this.ice = ice;
        this.dtls = dtls;
    }

    /** @return null when closed by close(), else why the peer is gone */
    Ending loop() throws IOException, GeneralSecurityException {
        long lastHeard = System.currentTimeMillis();
        int poll = 250;
        while (!transport.closing()) {
            byte[] a = in.array(2048);
            packet.setData(a, 0, a.length);
            if (!ice.receive(packet, poll)) {
                long heard = Math.max(lastHeard, ice.consentMillis());
                if (System.currentTimeMillis() - heard > WebrtcTransport.CONSENT_TIMEOUT_MILLIS) {
                    return new Ending(WebrtcTransport.timeout("no packets and no ICE consent from the peer for "
                            + WebrtcTransport.CONSENT_TIMEOUT_MILLIS / 1000 + " s"));
                }
                continue;
            }
            long now = System.nanoTime();
            lastHeard = System.currentTimeMillis();
            int len = packet.getLength();
            switch (PacketKind.of(a, 0, len)) {
                case DTLS -> {
                    if (!dtls.onRecord(a, 0, len)) {
                        return new Ending(new WebrtcException("peer closed the DTLS association (close_notify)"));
                    }
                }
                case RTP -> decrypt(false, len, now);
                case RTCP -> decrypt(true, len, now);
                case OTHER -> LOG.trace("dropping a {}-byte non-RTP datagram", len);
            }
        }
        return null;
    }

    private void decrypt(boolean rtcp, int len, long receivedNanos) throws GeneralSecurityException {
        if (len < (rtcp ? 8 : 12)) {
            return;
        }
        in.setOffset(0);
        in.setLength(len);
        SrtpErrorStatus s = transport.unprotect(rtcp, in);
        if (s == SrtpErrorStatus.OK) {
            transport.deliver(rtcp, in, receivedNanos);
        }
    }
}
