package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.ApiTestClient;
import io.sluice.conf.AuthAction;
import io.sluice.control.FakeControl;
import io.sluice.control.ControlException;
import io.sluice.control.PathInfo;
import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import io.sluice.testing.HeadlessChromium;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in headless Chromium, against the API server with a fake control plane (the server's
 * wiring of the real one is another issue): it must render paths, sessions and every target's state with
 * its colour and last error, escape hostile names, and its enable/disable button must PATCH the target.
 * The page is reached with Basic credentials in the URL, as a user's browser would after the prompt.
 */
@Timeout(180)
class ApiStatusPageIT {
    static final String USER = "ops";
    static final String PASS = "pw-it";
    /** A path name and an error text a hostile publisher or remote server could choose. */
    static final String HOSTILE_PATH = "<img src=x onerror=document.title='pwned'>";
    static final String HOSTILE_ERROR = "refused: <script>document.title='pwned'</script> by remote";

    @TempDir
    Path tmp;
    private final FakeControl control = FakeControl.sample();
    private ApiTestClient api;

    @BeforeEach
    void start() throws Exception {
        assertThat(HeadlessChromium.BINARY).as("Chromium is needed").isExecutable();
        control.paths.add(new PathInfo(HOSTILE_PATH, "all_others", false, null, null, List.of(), 0, 0, 0, List.of()));
        control.put("all_others", new DestStats("evil", "rtsp://h/<b>x</b>", "rtsp", DestState.FAILED,
                FakeControl.T0, 0, 0, 0, 9, HOSTILE_ERROR, null, List.of(), Map.of()), "", "", "");
        control.groups.add(new io.sluice.forward.BalancedPool.PoolStats("~^cam[0-9]+$", "ingest", false, List.of(
                new io.sluice.forward.BalancedPool.MemberLoad("origin-a", 2, List.of("cam1", "cam3"), 1800, null),
                new io.sluice.forward.BalancedPool.MemberLoad("origin-b", 1, List.of(), 0, null))));
        api = new ApiTestClient(control,
                (action, path, user, pass, ip) -> action == AuthAction.API && user.equals(USER) && pass.equals(PASS))
                .start();
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    private String url() {
        return "http://" + USER + ":" + PASS + "@127.0.0.1:" + api.port() + "/";
    }

    @Test
    void showsPathsSessionsAndEveryTargetWithItsStateAndLastError() throws Exception {
        String dom = dumpDom(url());
        assertThat(dom).as("the script ran and read the API").contains("data-loaded=\"true\"");
        assertThat(dom).contains("live/cam").contains("H264").contains("120.6 KiB") // bytes in of live/cam
                .contains("10.0.0.6:50000") // a reader session
                .contains("2049 kbit/s, 1280x720, 30 fps"); // what quality conditions read
        assertThat(row(dom, "live/cam/srt1")).contains("s-forwarding").contains(">forwarding<")
                .contains("#0 H264 forwarded").contains("#1 Opus skipped: MPEG-TS over SRT carries no Opus here")
                .contains("rttMs 12.50").contains("lossPercent 0.25").contains(">Disable<");
        assertThat(row(dom, "live/cam/rtmp1")).contains("s-backoff").contains(">backoff<")
                .contains("connect rtmp://cdn.example/live/***: connection refused");
        assertThat(row(dom, "~^cam[0-9]+$/off")).contains("s-disabled").contains("group backup").contains(">Enable<");
        assertThat(row(dom, "all_others/evil")).contains("s-failed");
        // the balanced group: each member's paths and load
        assertThat(dom).containsPattern("<tr data-member=\"~\\^cam\\[0-9\\]\\+\\$/ingest/origin-a\">.*?"
                + "2: cam1, cam3.*?1800.*?</tr>");
        assertThat(dom).containsPattern("<tr data-member=\"[^\"]*/origin-b\">.*?>0<.*?</tr>");
    }

    @Test
    void escapesWhatPublishersAndRemoteServersChoose() throws Exception {
        String dom = dumpDom(url());
        assertThat(dom).contains("data-loaded=\"true\"")
                .contains("&lt;img src=x onerror=document.title='pwned'&gt;")
                .contains("refused: &lt;script&gt;document.title='pwned'&lt;/script&gt; by remote")
                .contains("rtsp://h/&lt;b&gt;x&lt;/b&gt;")
                .doesNotContain("<img src=\"x\"").doesNotContain("<b>x</b>").doesNotContain("pwned</title>");
    }

    @Test
    void withoutCredentialsNothingIsShown() throws Exception {
        String dom = dumpDom("http://127.0.0.1:" + api.port() + "/");
        assertThat(dom).doesNotContain("live/cam").doesNotContain("data-loaded");
    }

    @Test
    void screenshotIsNotBlankAndShowsTheStateColours() throws Exception {
        Path png = tmp.resolve("status.png");
        HeadlessChromium.run(Files.createTempDirectory(tmp, "profile"),
                List.of("--virtual-time-budget=3000", "--window-size=1280,900", "--screenshot=" + png, url()));
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("a PNG at " + png).isNotNull();
        assertThat(img.getWidth()).isEqualTo(1280);
        Map<Integer, Long> colours = new java.util.HashMap<>();
        Map<String, Integer> badges = new java.util.LinkedHashMap<>(Map.of(
                "forwarding #1a7f37", 0x1a7f37, "backoff #bc4c00", 0xbc4c00, "failed #cf222e", 0xcf222e));
        Map<String, Long> badgePixels = new java.util.HashMap<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colours.merge(rgb, 1L, Long::sum);
                for (Map.Entry<String, Integer> b : badges.entrySet()) {
                    if (close(rgb, b.getValue())) {
                        badgePixels.merge(b.getKey(), 1L, Long::sum);
                    }
                }
            }
        }
        long total = (long) img.getWidth() * img.getHeight();
        long background = colours.values().stream().max(Long::compare).orElseThrow();
        assertThat(colours.size()).as("distinct colours: text, header, badges").isGreaterThan(50);
        assertThat(total - background).as("pixels not of the background colour, of " + total)
                .isGreaterThan(total / 20);
        for (String badge : badges.keySet()) {
            assertThat(badgePixels.getOrDefault(badge, 0L)).as("pixels of the " + badge + " badge").isGreaterThan(100);
        }
    }

    @Test
    void theButtonDisablesAndEnablesATarget() throws Exception {
        String row = "document.querySelector('tr[data-target=\"live/cam/srt1\"]')";
        try (HeadlessChromium page = new HeadlessChromium(url(), Files.createDirectory(tmp.resolve("profile")),
                "--window-size=1280,900")) {
            assertThat(page.await(row + "?.dataset.state", "forwarding"::equals, Duration.ofSeconds(20)))
                    .isEqualTo("forwarding");
            assertThat(page.evaluate(row + ".querySelector('button.toggle').textContent")).isEqualTo("Disable");
            page.evaluate(row + ".querySelector('button.toggle').click()");
            awaitCall("patchTarget live/cam srt1 {enable=false}");
            // the page refreshes at once and now offers to enable it
            assertThat(page.await(row + "?.dataset.state", "disabled"::equals, Duration.ofSeconds(10)))
                    .isEqualTo("disabled");
            assertThat(page.await(row + ".querySelector('button.toggle').textContent", "Enable"::equals,
                    Duration.ofSeconds(5))).isEqualTo("Enable");
            page.evaluate(row + ".querySelector('button.toggle').click()");
            awaitCall("patchTarget live/cam srt1 {enable=true}");
            assertThat(page.await(row + "?.dataset.state", "idle"::equals, Duration.ofSeconds(10))).isEqualTo("idle");

            // a refused change is shown, not swallowed
            control.refuseNextPatch = new ControlException(409, "target 'off' is the standby of group 'backup'");
            String regex = "document.querySelector('tr[data-target=\"~^cam[0-9]+$/off\"]')";
            page.evaluate(regex + ".querySelector('button.toggle').click()");
            String error = page.await("document.getElementById('error').textContent", s -> s.contains("409"),
                    Duration.ofSeconds(10));
            assertThat(error).contains("409").contains("target 'off' is the standby of group 'backup'");
        }
        assertThat(control.calls).contains("patchTarget ~^cam[0-9]+$ off {enable=true}");
    }

    private void awaitCall(String call) throws Exception {
        Wait.until(() -> control.calls.contains(call), Duration.ofSeconds(10));
        assertThat(control.calls).contains(call);
    }

    /** The serialized {@code <tr>} of one target. */
    private static String row(String dom, String target) {
        Matcher m = Pattern.compile("<tr data-target=\"" + Pattern.quote(escapeAttr(target)) + "\".*?</tr>",
                Pattern.DOTALL).matcher(dom);
        assertThat(m.find()).as("row of " + target + " in\n" + dom).isTrue();
        return m.group();
    }

    private static String escapeAttr(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;");
    }

    private static boolean close(int rgb, int want) {
        return Math.abs((rgb >> 16 & 0xff) - (want >> 16 & 0xff)) < 8 && Math.abs((rgb >> 8 & 0xff) - (want >> 8 & 0xff)) < 8
                && Math.abs((rgb & 0xff) - (want & 0xff)) < 8;
    }

    /** The DOM after the page's script ran for 3 s of virtual time (its fetches included). */
    private String dumpDom(String url) throws Exception {
        return HeadlessChromium.dumpDom(url, Files.createTempDirectory(tmp, "profile"), Duration.ofSeconds(3));
    }
}
