package io.sluice.net;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.sluice.conf.TlsServerConf;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * ServerTls builds the TLS context of a server listener (RTSPS, RTMPS, HTTPS for the API, metrics and WebRTC)
 * from a PEM key and certificate chain, and the handler that goes first in each accepted channel's pipeline.
 *
 * <p>Every file is checked before Netty sees it, so that a wrong path, a key given as the certificate, an
 * encrypted key or a key that does not belong to the certificate fails start-up with the setting and the
 * file named, rather than as a handshake error on the first client. Error messages carry paths, never the
 * files' contents: a key's bytes must not reach a log.
 */
public final class ServerTls {

    private ServerTls() {
    }

    /** The context for one server's TLS settings; prefix is the key prefix, e.g. "rtsp" for rtspServerKey. */
    public static SslContext context(String prefix, TlsServerConf tls) throws TlsFileException {
        return context(prefix + "ServerKey", tls.serverKey(), prefix + "ServerCert", tls.serverCert());
    }

    /**
     * The context for a key file and a certificate chain file.
     *
     * @param keySetting the key's configuration name (for messages), e.g. rtmpServerKey
     * @param certSetting the certificate's configuration name, e.g. rtmpServerCert
     * @throws TlsFileException naming the setting and the file that is missing, unreadable or not what it
     *     should be, or both when the key does not belong to the certificate
     */
    public static SslContext context(String keySetting, String keyFile, String certSetting, String certFile)
            throws TlsFileException {
        X509Certificate[] chain = certificates(certSetting, readable(certSetting, certFile));
        PrivateKey key = privateKey(keySetting, readable(keySetting, keyFile));
        checkPair(key, chain[0], keySetting, keyFile, certSetting, certFile);
        try {
            return SslContextBuilder.forServer(key, chain).build();
        } catch (SSLException | RuntimeException e) {
            throw new TlsFileException(keySetting, keyFile, "TLS cannot use it with " + certSetting + " '" + certFile
                    + "': " + e.getClass().getSimpleName());
        }
    }

    /**
     * A TLS handler for an accepted channel, to be added first in its pipeline: a client that has not finished
     * the handshake within {@code handshakeTimeout} is closed (slowloris on the handshake).
     */
    public static SslHandler handler(SslContext context, Channel ch, Duration handshakeTimeout) {
        SslHandler h = context.newHandler(ch.alloc());
        // The connection guard (ConnectionLimiter, first in the pipeline) enforces the deadline and counts
        // it; Netty's own timeout only backs it up, a second later, for a pipeline without a guard.
        h.setHandshakeTimeout(handshakeTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        return h;
    }

    private static Path readable(String setting, String file) throws TlsFileException {
        if (file == null || file.isBlank()) {
            throw new TlsFileException(setting, "", "not set (a PEM file path is needed)");
        }
        Path p = Path.of(file);
        if (!Files.exists(p)) {
            throw new TlsFileException(setting, file, "no such file");
        }
        if (!Files.isRegularFile(p)) {
            throw new TlsFileException(setting, file, "not a regular file");
        }
        if (!Files.isReadable(p)) {
            throw new TlsFileException(setting, file, "not readable by this process");
        }
        return p;
    }

    private static X509Certificate[] certificates(String setting, Path file) throws TlsFileException {
        Collection<? extends Certificate> all;
        try (InputStream in = Files.newInputStream(file)) {
            all = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsFileException(setting, file.toString(), "not a PEM certificate chain ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (all.isEmpty()) {
            throw new TlsFileException(setting, file.toString(), "holds no certificate");
        }
        return all.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    }

    private static PrivateKey privateKey(String setting, Path file) throws TlsFileException {
        Object pem;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(in)) {
            pem = parser.readObject();
            // skip what may precede the key in a combined file (EC parameters, a certificate)
            while (pem != null && !(pem instanceof PEMKeyPair) && !(pem instanceof PrivateKeyInfo)) {
                pem = parser.readObject();
            }
        } catch (IOException | RuntimeException e) {
            // the parser's message may quote the file; keep only what kind of failure it was
            throw new TlsFileException(setting, file.toString(), "not a PEM private key ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (pem == null) {
            throw new TlsFileException(setting, file.toString(),
                    "holds no unencrypted PEM private key (PKCS#8 'PRIVATE KEY', 'RSA PRIVATE KEY' or 'EC PRIVATE KEY'"
                            + "; an encrypted key must be decrypted first, e.g. openssl pkey -in k.pem -out plain.pem)");
        }
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            return pem instanceof PEMKeyPair pair ? converter.getPrivateKey(pair.getPrivateKeyInfo())
                    : converter.getPrivateKey((PrivateKeyInfo) pem);
        } catch (IOException | RuntimeException e) {
            throw new TlsFileException(setting, file.toString(), "unsupported private key ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** Signs a random message with the key and checks it with the certificate's public key. */
    private static void checkPair(PrivateKey key, X509Certificate cert, String keySetting, String keyFile,
            String certSetting, String certFile) throws TlsFileException {
        PublicKey pub = cert.getPublicKey();
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (alg == null) {
            return; // an algorithm this check does not know; the handshake will tell
        }
        boolean ok;
        try {
            byte[] message = new byte[32];
            new SecureRandom().nextBytes(message);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(message);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(message);
            ok = v.verify(sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            ok = false; // e.g. an EC key with an RSA certificate
        }
        if (!ok) {
            throw new TlsFileException(keySetting, keyFile, "does not belong to the certificate in " + certSetting
                    + " '" + certFile + "' (" + key.getAlgorithm() + " key, " + pub.getAlgorithm() + " certificate)");
        }
    }
}
