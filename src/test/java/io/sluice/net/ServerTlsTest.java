package io.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.handler.ssl.SslContext;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {
    @TempDir
    Path dir;

    private record Pair(Path key, Path cert, KeyPair keys) {
    }

    /** A self-signed certificate and its key as PEM files; pkcs8 picks "PRIVATE KEY" over the traditional form. */
    private Pair pair(String name, String algorithm, boolean pkcs8) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        g.initialize(algorithm.equals("EC") ? 256 : 2048);
        KeyPair kp = g.generateKeyPair();
        Instant now = Instant.now();
        X500Name cn = new X500Name("CN=localhost");
        var holder = new JcaX509v3CertificateBuilder(cn, BigInteger.ONE, Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(1, ChronoUnit.DAYS)), cn, kp.getPublic())
                .build(new JcaContentSignerBuilder(algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA")
                        .build(kp.getPrivate()));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
        Path key = dir.resolve(name + "-key.pem");
        Path crt = dir.resolve(name + "-cert.pem");
        Files.writeString(key, pem(pkcs8 ? new JcaPKCS8Generator(kp.getPrivate(), null) : kp.getPrivate()));
        Files.writeString(crt, pem(cert));
        return new Pair(key, crt, kp);
    }

    private static String pem(Object o) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    private static SslContext context(Pair p) throws TlsFileException {
        return ServerTls.context("rtspServerKey", p.key().toString(), "rtspServerCert", p.cert().toString());
    }

    // Bouncy Castle writes a JDK EC key's traditional form without its curve, which no reader accepts, so the
    // traditional EC form ("EC PRIVATE KEY", what openssl ecparam -genkey writes) is not generated here.
    @Test
    void pkcs8AndTraditionalKeysLoad() throws Exception {
        for (Pair p : new Pair[] {pair("ec8", "EC", true), pair("rsa8", "RSA", true), pair("rsa", "RSA", false)}) {
            SslContext c = context(p);
            assertThat(c.isServer()).as(p.key().toString()).isTrue();
        }
    }

    @Test
    void aMissingFileIsNamedWithItsSetting() throws Exception {
        Pair p = pair("a", "EC", true);
        String missing = dir.resolve("nope.pem").toString();
        TlsFileException e = catchThrowableOfType(TlsFileException.class,
                () -> ServerTls.context("apiServerKey", missing, "apiServerCert", p.cert().toString()));
        assertThat(e.getMessage()).isEqualTo("apiServerKey '" + missing + "': no such file");
        assertThat(e.setting()).isEqualTo("apiServerKey");
        assertThat(e.file()).isEqualTo(missing);
        e = catchThrowableOfType(TlsFileException.class,
                () -> ServerTls.context("apiServerKey", p.key().toString(), "apiServerCert", dir.toString()));
        assertThat(e.getMessage()).isEqualTo("apiServerCert '" + dir + "': not a regular file");
        e = catchThrowableOfType(TlsFileException.class,
                () -> ServerTls.context("apiServerKey", "", "apiServerCert", p.cert().toString()));
        assertThat(e.getMessage()).startsWith("apiServerKey '': not set");
    }

    @Test
    void swappedFilesAreNamedAndTheKeyIsNeverQuoted() throws Exception {
        Pair p = pair("s", "RSA", false);
        String keyText = Files.readString(p.key());
        String keyBody = keyText.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        // the key given as the certificate
        TlsFileException e = catchThrowableOfType(TlsFileException.class, () -> ServerTls.context(
                "rtspServerKey", p.cert().toString(), "rtspServerCert", p.key().toString()));
        assertThat(e.setting()).isEqualTo("rtspServerCert");
        assertThat(e.getMessage()).startsWith("rtspServerCert '" + p.key() + "': ").doesNotContain(keyBody);
        // a certificate given as the key (the cert itself is fine)
        e = catchThrowableOfType(TlsFileException.class, () -> ServerTls.context(
                "rtspServerKey", p.cert().toString(), "rtspServerCert", p.cert().toString()));
        assertThat(e.getMessage()).startsWith("rtspServerKey '" + p.cert() + "': holds no unencrypted PEM private key");
        // a file that only looks like a key: garbage between PEM markers
        Path bad = dir.resolve("bad-key.pem");
        String secret = Base64.getEncoder().encodeToString("not-a-key-but-secret-bytes".getBytes());
        Files.writeString(bad, "-----BEGIN PRIVATE KEY-----\n" + secret + "\n-----END PRIVATE KEY-----\n");
        e = catchThrowableOfType(TlsFileException.class, () -> ServerTls.context(
                "rtspServerKey", bad.toString(), "rtspServerCert", p.cert().toString()));
        assertThat(e.getMessage()).startsWith("rtspServerKey '" + bad + "': ").doesNotContain(secret);
        assertThat(e).hasNoCause();
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        Pair a = pair("a", "EC", true);
        Pair b = pair("b", "EC", true);
        Pair r = pair("r", "RSA", true);
        TlsFileException e = catchThrowableOfType(TlsFileException.class, () -> ServerTls.context(
                "rtmpServerKey", b.key().toString(), "rtmpServerCert", a.cert().toString()));
        assertThat(e.getMessage()).isEqualTo("rtmpServerKey '" + b.key() + "': does not belong to the certificate in "
                + "rtmpServerCert '" + a.cert() + "' (EC key, EC certificate)");
        e = catchThrowableOfType(TlsFileException.class, () -> ServerTls.context(
                "rtmpServerKey", r.key().toString(), "rtmpServerCert", a.cert().toString()));
        assertThat(e.getMessage()).contains("does not belong", "(RSA key, EC certificate)");
    }
}
