package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS for the API, the metrics and the WebRTC HTTP server ({@code apiEncryption}, {@code metricsEncryption},
 * {@code webrtcEncryption}: yes), checked with curl against a throwaway certificate made by openssl: curl trusts
 * it as its CA and gets the same answers as over HTTP; plain HTTP to those ports gets no answer; a curl trusting
 * another CA refuses the server, so the certificate served is the configured one. With encryption off (every
 * other IT, e.g. ApiIT) nothing changes.
 */
@Timeout(120)
class HttpsIT {
    @TempDir
    Path dir;



    /** curl's exit status, HTTP status and body for url ("curl: (N)" when it failed), bounded in time. */
    private record Curl(int rc, String status, String body) {
    }

    private Curl curl(String url, String... extra) throws Exception {
        Path body = Files.createTempFile(dir, "body", ".txt");
        List<String> cmd = new ArrayList<>(List.of("timeout", "20", "curl", "-sS", "--max-time", "15",
                "-o", body.toString(), "-w", "%{http_code}"));
        cmd.addAll(List.of(extra));
        cmd.add(url);
        try (Peer p = Peer.command("curl " + url, Map.of(), cmd)) {
            int rc = p.await(Duration.ofSeconds(30));
            return new Curl(rc, p.output().strip(), Files.readString(body));
        }
    }

    @Test
    void apiMetricsAndWebrtcServeHttpsOnlyWithTheConfiguredCertificate() throws Exception {
        TestCert pair = TestCert.selfSigned(dir, "srv");
        TestCert other = TestCert.selfSigned(dir, "other");
        String yaml = """
                apiEncryption: yes
                apiServerKey: %2$s
                apiServerCert: %1$s
                metricsEncryption: yes
                metricsServerKey: %2$s
                metricsServerCert: %1$s
                webrtcEncryption: yes
                webrtcServerKey: %2$s
                webrtcServerCert: %1$s
                """.formatted(pair.cert(), pair.key());
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml)) {
            String api = "127.0.0.1:" + sluice.server().apiPort();
            String metrics = "127.0.0.1:" + sluice.server().metricsPort();
            String webrtc = "127.0.0.1:" + sluice.webrtcPort;

            Curl paths = curl("https://" + api + "/v3/paths/list", "--cacert", pair.cert());
            assertThat(paths.rc()).as(paths.toString()).isZero();
            assertThat(paths.status()).as(paths.toString()).contains("200");
            assertThat(paths.body()).contains("\"items\"");

            Curl m = curl("https://" + metrics + "/metrics", "--cacert", pair.cert());
            assertThat(m.rc()).as(m.toString()).isZero();
            assertThat(m.status()).contains("200");
            assertThat(m.body()).contains("sluice_");

            Curl page = curl("https://" + webrtc + "/", "--cacert", pair.cert());
            assertThat(page.rc()).as(page.toString()).isZero();
            assertThat(page.status()).contains("200");

            for (String hostPort : List.of(api, metrics, webrtc)) {
                Curl plain = curl("http://" + hostPort + "/");
                assertThat(plain.rc()).as("plain HTTP to an HTTPS port: %s", plain).isNotZero();
                Curl wrongCa = curl("https://" + hostPort + "/", "--cacert", other.cert());
                assertThat(wrongCa.rc()).as("curl trusting another CA: %s", wrongCa).isEqualTo(60);
            }
        }
    }
}
