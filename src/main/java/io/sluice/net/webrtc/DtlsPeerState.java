package io.sluice.net.webrtc;

import io.sluice.protocol.webrtc.DtlsFingerprint;
import java.io.IOException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * DtlsPeerState is what the DTLS client and server sides of one handshake have in common: our certificate,
 * the check of the peer's certificate against the SDP fingerprint, the SRTP profile agreed, the keys
 * exported, and whether the peer has closed. {@link DtlsClientPeer} and {@link DtlsServerPeer} extend
 * Bouncy Castle's client and server classes, so they cannot share a base class: they share this instead,
 * and each keeps only what differs by role (suites, use_srtp offer or answer, certificate request).
 * Used on the transport's thread only.
 */
final class DtlsPeerState {
    static final ProtocolVersion[] VERSIONS = ProtocolVersion.DTLSv12.only();

    private final DtlsCertificate certificate;
    private final BcTlsCrypto crypto;
    private final DtlsFingerprint remote;
    private SrtpProfile profile;
    private DtlsSrtpKeys keys;
    private boolean peerClosed;
    private String mismatch;

    DtlsPeerState(DtlsCertificate certificate, BcTlsCrypto crypto, DtlsFingerprint remote) {
        this.certificate = certificate;
        this.crypto = crypto;
        this.remote = remote;
    }

    /** Signs our key exchange or certificate verify with our certificate. */
    TlsCredentialedSigner signer(TlsContext context) throws IOException {
        return certificate.signer(context, crypto);
    }

    /**
     * Fails the handshake with bad_certificate unless the peer's leaf certificate has the SDP's fingerprint.
     *
     * @param role the peer's DTLS role, for the message: "client" or "server"
     */
    void verify(Certificate chain, String role) throws IOException {
        if (chain == null || chain.isEmpty()) {
            mismatch = "DTLS " + role + " sent no certificate, expected fingerprint " + remote.sdp();
            throw new TlsFatalAlert(AlertDescription.bad_certificate, mismatch);
        }
        byte[] der = chain.getCertificateAt(0).getEncoded();
        if (!remote.matches(der)) {
            mismatch = "DTLS fingerprint mismatch: " + role + " certificate is "
                    + DtlsFingerprint.of(remote.algorithm(), der).sdp() + ", the SDP says " + remote.sdp();
            throw new TlsFatalAlert(AlertDescription.bad_certificate, mismatch);
        }
    }

    void profile(SrtpProfile p) {
        profile = p;
    }

    SrtpProfile profile() {
        return profile;
    }

    /** Exports the SRTP keys once the handshake is complete (RFC 5764 §4.2). */
    void complete(TlsContext context, boolean client) throws IOException {
        keys = DtlsSrtpKeys.export(context, profile, client);
    }

    void alertRaised(short level, short description, String message) {
        DtlsHandshake.logAlert("raised", level, description, message);
    }

    void alertReceived(short level, short description) {
        peerClosed |= description == AlertDescription.close_notify;
        DtlsHandshake.logAlert("received", level, description, null);
    }

    /** Why the peer's certificate was refused, or null. */
    String mismatch() {
        return mismatch;
    }

    DtlsSrtpKeys keys() {
        return keys;
    }

    boolean peerClosed() {
        return peerClosed;
    }
}
