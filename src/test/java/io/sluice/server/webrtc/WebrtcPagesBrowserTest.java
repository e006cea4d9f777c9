package io.sluice.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.net.NetLoops;
import io.sluice.net.http.HttpListener;
import io.sluice.testing.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads both pages in headless Chromium against the server: their scripts must run, find the right
 * endpoint, send the credentials of the page URL and an offer, and show the refusal.
 * Skipped where Chromium is not installed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebrtcPagesBrowserTest {
    private final FakeWebrtcSessions fake = new FakeWebrtcSessions();
    private NetLoops loops;
    private HttpListener server;
    @TempDir
    Path profile;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(HeadlessChromium.BINARY), "no " + HeadlessChromium.BINARY);
        loops = new NetLoops(1);
        server = fake.listener("127.0.0.1:0", loops);
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
            loops.close();
        }
    }

    static final String STATUS = "document.getElementById('status').textContent";

    /** Opens the page and returns its status text once it shows an error (or after 20 s). */
    String statusAfterError(String path, String... flags) throws Exception {
        try (HeadlessChromium browser = new HeadlessChromium("http://127.0.0.1:" + server.port() + path, profile,
                flags)) {
            return browser.await(STATUS, s -> s.startsWith("error"), Duration.ofSeconds(20));
        }
    }

    /** The DOM right after load: the script ran without a syntax error if the status changed. */
    String dumpDom(String path) throws Exception {
        return HeadlessChromium.dumpDom("http://127.0.0.1:" + server.port() + path,
                Files.createTempDirectory(profile, "dump"), Duration.ofSeconds(2));
    }

    @Test
    void scriptsRunOnLoad() throws Exception {
        for (String path : new String[] {"/live/cam1", "/live/cam1/publish"}) {
            String dom = dumpDom(path);
            Matcher m = Pattern.compile("id=\"status\">([^<]*)<").matcher(dom);
            assertThat(m.find()).as("status element in %s", dom).isTrue();
            assertThat(m.group(1)).as(path).isNotEqualTo("loading");
        }
    }

    @Test
    void readPagePostsAnOfferToWhepAndShowsTheRefusal() throws Exception {
        fake.refuse = new WebrtcHttpException(404, "no stream on path 'live/cam1'");
        String status = statusAfterError("/live/cam1?token=t1");
        assertThat(fake.calls).as("status: %s", status).isNotEmpty();
        var call = fake.calls.getFirst();
        assertThat(call.method()).isEqualTo("read");
        assertThat(call.path()).isEqualTo("live/cam1");
        assertThat(call.creds()).isEqualTo(new WebrtcCredentials("", "t1", "t1"));
        assertThat(call.body()).startsWith("v=0").contains("m=video", "m=audio", "a=recvonly");
        assertThat(status).isEqualTo("error: 404 no stream on path 'live/cam1' (retrying)");
    }

    @Test
    void publishPagePostsTheCameraToWhipPreferringH264() throws Exception {
        fake.refuse = new WebrtcHttpException(400, "test refusal");
        String status = statusAfterError("/live/cam1/publish?user=u&pass=p%20w",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream");
        assertThat(fake.calls).as("status: %s", status).isNotEmpty();
        var call = fake.calls.getFirst();
        assertThat(call.method()).isEqualTo("publish");
        assertThat(call.path()).isEqualTo("live/cam1");
        assertThat(call.creds()).isEqualTo(new WebrtcCredentials("u", "p w", ""));
        assertThat(call.body()).contains("m=video", "m=audio", "a=sendonly");
        if (call.body().contains("H264/90000")) {
            Matcher m = Pattern.compile("m=video \\d+ \\S+ (\\d+)").matcher(call.body());
            assertThat(m.find()).isTrue();
            assertThat(call.body()).contains("a=rtpmap:" + m.group(1) + " H264/90000");
        }
        assertThat(status).isEqualTo("error: 400 test refusal (retrying)");
    }
}
