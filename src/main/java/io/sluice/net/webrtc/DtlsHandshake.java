package io.sluice.net.webrtc;

import io.sluice.protocol.webrtc.DtlsFingerprint;
import java.io.IOException;
import java.net.DatagramPacket;
import java.security.SecureRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs BC's DTLS 1.2 handshake over the ICE socket and then watches the DTLS records that follow it
 * (alerts, close_notify). It is BC's DatagramTransport: during the handshake it reads the socket itself
 * and drops what is not DTLS (RFC 7983); afterwards the transport's reader hands it one DTLS datagram
 * at a time. Everything runs on the transport's thread.
 */
final class DtlsHandshake implements DatagramTransport {
    private static final Logger LOG = LoggerFactory.getLogger(DtlsHandshake.class);
    static final int TIMEOUT_MILLIS = 10_000;
    /** Fits a 1280-byte IPv6 minimum MTU path minus IP/UDP headers; BC fragments handshake messages to it. */
    static final int MTU = 1200;
    private static final int POLL_MILLIS = 250;

    private final IceSession ice;
    private final BooleanSupplier closing;
    private final DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
    private boolean handshaking = true;
    private byte[] pending;
    private int pendingLength;
    private DTLSTransport dtls;
    private DtlsPeerState peer;
    private final byte[] scratch = new byte[2048];

    DtlsHandshake(IceSession ice, BooleanSupplier closing) {
        this.ice = ice;
        this.closing = closing;
    }

    /** Handshakes as DTLS client or server; fails with a message naming a fingerprint mismatch or timeout. */
    DtlsSrtpKeys run(boolean client, DtlsCertificate cert, DtlsFingerprint remote) throws IOException {
        BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
        peer = new DtlsPeerState(cert, crypto, remote);
        try {
            if (client) {
                dtls = new DTLSClientProtocol().connect(new DtlsClientPeer(crypto, peer), this);
            } else {
                DtlsServerPeer p = new DtlsServerPeer(crypto, peer);
                DTLSServerProtocol proto = new DTLSServerProtocol();
                // No HelloVerifyRequest cookie round trip: ICE connectivity checks have already proven
                // the peer's address (RFC 8842 §4.2 leaves the cookie to the implementation)
                proto.setVerifyRequests(false);
                dtls = proto.accept(p, this);
            }
        } catch (TlsTimeoutException e) {
            throw new WebrtcException("DTLS handshake did not finish within " + TIMEOUT_MILLIS / 1000 + " s",
                    new TimeoutException(e.getMessage()));
        } catch (IOException e) {
            if (peer.mismatch() != null) {
                throw new WebrtcException(peer.mismatch(), e);
            }
            throw closing.getAsBoolean() ? new WebrtcException("closed during the DTLS handshake", e)
                    : new WebrtcException("DTLS handshake failed (as " + (client ? "client" : "server") + "): "
                            + e.getMessage(), e);
        }
        handshaking = false;
        return peer.keys();
    }

    /**
     * Processes one DTLS datagram that arrived after the handshake.
     *
     * @return false when the peer has closed the association (close_notify)
     * @throws IOException on a fatal alert
     */
    boolean onRecord(byte[] b, int off, int len) throws IOException {
        pending = b;
        pendingLength = len;
        if (off != 0) {
            pending = java.util.Arrays.copyOfRange(b, off, off + len);
        }
        // application data would be SCTP (data channels), which Sluice does not offer: read and drop
        dtls.receive(scratch, 0, scratch.length, 1);
        pending = null;
        return !peer.peerClosed();
    }

    /** BC closes its transport after close_notify: the ICE session is not ours to close. */
    @Override
    public void close() {
    }

    /** Sends close_notify (best effort, the peer may be gone). */
    void sendCloseNotify() {
        if (dtls != null) {
            try {
                dtls.close();
            } catch (IOException e) {
                LOG.debug("DTLS close_notify not sent: {}", e.toString());
            }
        }
    }

    @Override
    public int getReceiveLimit() {
        return 2048;
    }

    @Override
    public int getSendLimit() {
        return MTU - 13; // DTLS record header
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (!handshaking) {
            if (pending == null) {
                return -1;
            }
            int n = Math.min(len, pendingLength);
            System.arraycopy(pending, 0, buf, off, n);
            pending = null;
            return n;
        }
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        while (true) {
            if (closing.getAsBoolean()) {
                throw new WebrtcException("transport closed");
            }
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return -1;
            }
            packet.setData(buf, off, len);
            if (ice.receive(packet, (int) Math.min(left, POLL_MILLIS))
                    && PacketKind.of(buf, off, packet.getLength()) == PacketKind.DTLS) {
                return packet.getLength();
            }
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        ice.send(buf, off, len);
    }

    static void logAlert(String how, short level, short description, String message) {
        if (level == AlertLevel.fatal) {
            LOG.debug("DTLS alert {}: {}{}", how, AlertDescription.getText(description),
                    message == null ? "" : " (" + message + ")");
        }
    }
}
