package io.sluice.net.webrtc;

import io.sluice.protocol.webrtc.DtlsFingerprint;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * DtlsCertificate is Sluice's self-signed ECDSA P-256 certificate (BC), made once per server process.
 *
 * <p>WebRTC authenticates DTLS by the certificate fingerprint carried in the SDP (RFC 8122), never by
 * a CA, so a self-signed certificate is what every browser uses too. ECDSA P-256 is what Chromium
 * generates and what every DTLS-SRTP stack accepts; its handshake is far cheaper than RSA's.
 */
public final class DtlsCertificate {
    /** Browsers reject certificates that expire within their session; 30 days outlives any stream restart. */
    private static final Duration VALIDITY = Duration.ofDays(30);

    private final byte[] der;
    private final AsymmetricKeyParameter privateKey;
    private final String fingerprint;

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey) {
        this.der = der;
        this.privateKey = privateKey;
        this.fingerprint = fingerprintSha256(der);
    }

    public static DtlsCertificate generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair kp = g.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=sluice");
            // a random positive serial: some stacks cache by issuer+serial
            BigInteger serial = new BigInteger(63, new SecureRandom());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial,
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), name, kp.getPublic());
            byte[] der = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())).getEncoded();
            return new DtlsCertificate(der, PrivateKeyFactory.createKey(kp.getPrivate().getEncoded()));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate the DTLS certificate (ECDSA P-256)", e);
        }
    }

    /** "AB:CD:..." upper-case hex pairs of the SHA-256 of the DER certificate (RFC 8122 §5). */
    public String fingerprintSha256() {
        return fingerprint;
    }

    static String fingerprintSha256(byte[] der) {
        return DtlsFingerprint.of("sha-256", der).value();
    }

    /** The certificate chain (of one) for the DTLS handshake. */
    Certificate chain(BcTlsCrypto crypto) throws IOException {
        return new Certificate(new TlsCertificate[] {crypto.createCertificate(der)});
    }

    /** Signs our ServerKeyExchange / CertificateVerify in a DTLS 1.2 handshake. */
    TlsCredentialedSigner signer(TlsContext context, BcTlsCrypto crypto) throws IOException {
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey,
                chain(crypto), SignatureAndHashAlgorithm.getInstance(
                        org.bouncycastle.tls.HashAlgorithm.sha256, org.bouncycastle.tls.SignatureAlgorithm.ecdsa));
    }

    @Override
    public String toString() {
        return "DtlsCertificate[sha-256 " + fingerprint + "]";
    }
}
