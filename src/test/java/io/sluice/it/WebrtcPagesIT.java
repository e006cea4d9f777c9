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
 * The two browser pages, live: headless Chromium opens {@code /PATH/publish} with its fake camera and
 * microphone and publishes over WHIP; a second Chromium opens {@code /PATH} and plays it over WHEP. The
 * pages log their status and the frames they show to the console, which headless Chromium prints.
 */
@Timeout(120)
class WebrtcPagesIT {

    private static List<String> chromium(Path profile, String url, int seconds, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "3", Integer.toString(seconds), "chromium",
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--allow-loopback-in-peer-connection",
                "--autoplay-policy=no-user-gesture-required", "--mute-audio",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--disable-features=WebRtcHideLocalIpsWithMdns,MediaRouter,OptimizationHints,Translate",
                "--enable-logging=stderr", "--remote-debugging-port=0"));
        cmd.addAll(List.of(extra));
        cmd.add(url);
        return cmd;
    }

    @Test
    void publishPageToReadPage(@TempDir Path dir) throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start("")) {
            String base = sluice.whip("live/page").replace("/whip", "");
            try (Peer pub = Peer.command("chromium publish page", Map.of(), chromium(
                    Files.createDirectory(dir.resolve("pub")), base + "/publish", 60,
                    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"))) {
                assertThat(pub.awaitLine("Sluice publish: publishing", Duration.ofSeconds(30))).as(pub.output())
                        .isTrue();
                WebrtcIngestIT.awaitPublisher(sluice, "live/page", pub);
                assertThat(sluice.server().paths().get("live/page").stream().desc().medias())
                        .extracting(m -> m.format().codec().name()).containsExactlyInAnyOrder("H264", "OPUS");
                try (Peer read = Peer.command("chromium read page", Map.of(), chromium(
                        Files.createDirectory(dir.resolve("read")), base, 40))) {
                    assertThat(read.awaitLine("Sluice: playing", Duration.ofSeconds(20))).as(read.output()).isTrue();
                    // the fake camera runs at a few frames/s on a loaded 2-core machine: 30 frames is plenty
                    assertThat(read.awaitLine("Sluice: 30 frames shown", Duration.ofSeconds(25))).as(read.output())
                            .isTrue();
                }
            }
        }
    }
}
