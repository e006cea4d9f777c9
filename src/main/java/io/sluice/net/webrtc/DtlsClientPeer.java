package io.sluice.net.webrtc;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The DTLS 1.2 client side of a peer connection (the remote answered a=setup:passive): offers use_srtp
 * and accepts a server certificate only when it matches the SDP fingerprint. Used by one handshake on
 * the transport's thread only.
 */
final class DtlsClientPeer extends DefaultTlsClient {
    /** ECDSA and RSA suites: the server's certificate decides (GStreamer's webrtcbin uses RSA). */
    private static final int[] SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
    };

    private final DtlsPeerState state;

    DtlsClientPeer(BcTlsCrypto crypto, DtlsPeerState state) {
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
    public int getHandshakeTimeoutMillis() {
        return DtlsHandshake.TIMEOUT_MILLIS;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
        Hashtable ext = super.getClientExtensions();
        TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(SrtpProfile.ids(), TlsUtils.EMPTY_BYTES));
        return ext;
    }

    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData chosen = serverExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        int[] ids = chosen == null ? new int[0] : chosen.getProtectionProfiles();
        // RFC 5764 §4.1.1: the server answers exactly one of the offered profiles
        SrtpProfile profile = ids.length == 1 ? SrtpProfile.of(ids[0]) : null;
        state.profile(profile);
        if (profile == null) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "DTLS server selected no usable SRTP profile"
                    + " (got " + java.util.Arrays.toString(ids) + ")");
        }
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                state.verify(serverCertificate.getCertificate(), "server");
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                return state.signer(context);
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        state.complete(context, true);
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
