package io.sluice.net.webrtc;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The DTLS 1.2 server side of a peer connection (Sluice answered a=setup:passive): ECDHE_ECDSA with
 * our P-256 certificate, a required client certificate checked against the SDP fingerprint, and
 * use_srtp (RFC 5764). Used by one handshake on the transport's thread only.
 */
final class DtlsServerPeer extends DefaultTlsServer {
    /**
     * GCM first (Chromium and OpenSSL prefer it), then CBC for older OpenSSL builds. Only ECDSA suites:
     * the certificate is ECDSA; the client's certificate (RSA from GStreamer, ECDSA from browsers) is
     * independent of the suite.
     */
    static final int[] SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    };

    private final DtlsPeerState state;

    DtlsServerPeer(BcTlsCrypto crypto, DtlsPeerState state) {
        super(crypto);
        this.state = state;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return DtlsPeerState.VERSIONS;
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), SUITES);
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return state.signer(context);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return DtlsHandshake.TIMEOUT_MILLIS;
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        // RFC 8827 §6.5: both endpoints MUST present a certificate; it is what the fingerprint pins
        short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
        return new CertificateRequest(types, TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        state.verify(clientCertificate, "client");
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "DTLS client offered no use_srtp extension");
        }
        for (SrtpProfile p : SrtpProfile.values()) {
            for (int id : offered.getProtectionProfiles()) {
                if (id == p.id) {
                    state.profile(p);
                    return;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "DTLS client offered no SRTP profile we support"
                + " (offered " + java.util.Arrays.toString(offered.getProtectionProfiles()) + ")");
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getServerExtensions() throws IOException {
        Hashtable ext = super.getServerExtensions();
        TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(new int[] {state.profile().id}, TlsUtils.EMPTY_BYTES));
        return ext;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        state.complete(context, false);
    }

    @Override
    public void notifyAlertRaised(short level, short description, String message, Throwable cause) {
        state.alertRaised(level, description, message);
    }

    @Override
    public void notifyAlertReceived(short level, short description) {
        state.alertReceived(level, description);
    }
}
