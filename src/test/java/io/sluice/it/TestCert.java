package io.sluice.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway self-signed P-256 certificate for CN=localhost and IP 127.0.0.1, made by the openssl CLI
 * (what an operator would run), for the TLS ITs: PEM file paths and the SHA-256 fingerprint a pinned
 * target is given.
 *
 * @param cert the certificate's PEM file
 * @param key the unencrypted private key's PEM file
 * @param fingerprint SHA-256 of the certificate as "AA:BB:…"
 */
record TestCert(String cert, String key, String fingerprint) {

    /** Writes NAME-cert.pem and NAME-key.pem into dir. */
    static TestCert selfSigned(Path dir, String name) throws IOException, InterruptedException {
        Path key = dir.resolve(name + "-key.pem");
        Path cert = dir.resolve(name + "-cert.pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1");
        String fp = openssl("x509", "-in", cert.toString(), "-noout", "-fingerprint", "-sha256").trim();
        return new TestCert(cert.toString(), key.toString(), fp.substring(fp.indexOf('=') + 1));
    }

    private static String openssl(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }
}
