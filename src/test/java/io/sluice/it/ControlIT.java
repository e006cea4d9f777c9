package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.control.Control;
import io.sluice.control.Control.TargetInfo;
import io.sluice.control.ControlException;
import io.sluice.core.ConfWatcher;
import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import io.sluice.server.rtmp.RtmpServer;
import io.sluice.server.rtsp.RtspServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run-time changes against a running server: ffmpeg publishes over RTSP, nginx-rtmp receives the
 * forwarded stream under several stream keys (one per target). Targets are added, changed and removed
 * through {@link Control} (what the HTTP API calls), and the configuration file is edited on disk; each
 * change must restart only what it changed.
 */
@Timeout(240)
class ControlIT {
    static final int SECONDS = 40;

    private static String target(String id, int nginx, String key) {
        return """
                      - id: %s
                        url: rtmp://127.0.0.1:%d/live/%s
                        reconnectDelay: 300ms
                        reconnectMaxDelay: 1s
                """.formatted(id, nginx, key);
    }

    @Test
    void changesRestartOnlyWhatChanged(@TempDir Path dir) throws Exception {
        int nginx = Ports.tcp();
        String paths = "paths:\n  live/test:\n    forwardTargets:\n" + target("a", nginx, "a") + target("c", nginx, "c");
        Path file = dir.resolve("sluice.yml");
        try (SluiceUnderTest sluice = SluiceUnderTest.start(paths, file);
                ConfWatcher watcher = new ConfWatcher(file, sluice.server().reloader()::reloadFile);
                Peer sink = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(SECONDS + 10))) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            Control control = sluice.server().control();
            try (Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/test"), Integer.toString(SECONDS))) {
                assertThat(Wait.until(() -> state(control, "a") == DestState.FORWARDING, Duration.ofSeconds(20)))
                        .as(pub.output()).isTrue();
                assertThat(Wait.until(() -> state(control, "c") == DestState.FORWARDING, Duration.ofSeconds(5)))
                        .isTrue();
                DestStats a0 = stats(control, "a");
                RtspServer rtsp = sluice.server().rtsp();

                // add: forwarding within a second (2 s of margin for a noisy CI machine)
                Instant t0 = Instant.now();
                TargetInfo b = control.addTarget("live/test", Map.of("url",
                        "rtmp://127.0.0.1:" + nginx + "/live/b", "reconnectDelay", "300ms"));
                assertThat(b.stats().id()).matches("127.0.0.1-" + nginx + "-[0-9a-f]{4}");
                assertThat(Wait.until(() -> state(control, b.stats().id()) == DestState.FORWARDING,
                        Duration.ofSeconds(2)))
                        .as("added target forwarding %s after the add", Duration.between(t0, Instant.now())).isTrue();

                // change one (disable), delete another: a keeps its session and its bytes keep growing
                List<Long> bytesOfA = new ArrayList<>();
                Thread sampler = Thread.ofVirtual().start(() -> sample(control, bytesOfA, 30));
                Thread.sleep(700);
                TargetInfo c = control.patchTarget("live/test", "c", Map.of("enable", false));
                assertThat(c.stats().state()).isEqualTo(DestState.DISABLED);
                control.deleteTarget("live/test", b.stats().id());
                sampler.join();
                assertThat(control.targets(Optional.of("live/test"))).extracting(t -> t.stats().id())
                        .containsExactly("a", "c");
                assertIncreasingWithoutGap(bytesOfA);
                DestStats a1 = stats(control, "a");
                assertThat(a1.since()).isEqualTo(a0.since());
                assertThat(a1.reconnects()).isEqualTo(a0.reconnects());

                // refused changes name the field and change nothing
                assertThatThrownBy(() -> control.addTarget("live/test", Map.of("url", "ftp://x/y")))
                        .isInstanceOfSatisfying(ControlException.class, e -> {
                            assertThat(e.status()).isEqualTo(400);
                            assertThat(e.problems().getFirst()).startsWith("api: paths.live/test.forwardTargets[2].url:");
                        });
                assertThatThrownBy(() -> control.patchTarget("live/test", "nope", Map.of("enable", false)))
                        .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.status()).isEqualTo(404));
                assertThatThrownBy(() -> control.patchGlobal(Map.of("readTimeout", "soon")))
                        .isInstanceOfSatisfying(ControlException.class,
                                e -> assertThat(e.problems().getFirst()).startsWith("api: readTimeout:"));

                // a global change restarts only its listener
                RtmpServer rtmp = sluice.server().rtmp();
                control.patchGlobal(Map.of("rtmpAddress", "127.0.0.1:" + Ports.tcp()));
                assertThat(sluice.server().rtmp()).isNotSameAs(rtmp);
                assertThat(sluice.server().rtsp()).isSameAs(rtsp);
                assertThat(stats(control, "a").since()).isEqualTo(a0.since());

                // hot reload: an invalid file is refused and the running config stays
                String running = control.yaml(false);
                assertThat(running).contains("reconnectDelay: 300ms");
                Files.writeString(file, running.replace("reconnectDelay: 300ms", "reconnectDelay: soon"));
                Thread.sleep(1500);
                assertThat(control.yaml(false)).isEqualTo(running);
                // a valid edit (a new target d) starts d and leaves a alone
                String edited = running.replace("    forwardTargets:\n",
                        "    forwardTargets:\n" + target("d", nginx, "d"));
                assertThat(edited).isNotEqualTo(running);
                Files.writeString(file, edited);
                assertThat(Wait.until(() -> state(control, "d") == DestState.FORWARDING, Duration.ofSeconds(10)))
                        .as(control.yaml(true)).isTrue();
                assertThat(stats(control, "a").since()).isEqualTo(a0.since());
                assertThat(stats(control, "a").state()).isEqualTo(DestState.FORWARDING);
            }
        }
    }

    private static DestStats stats(Control control, String id) {
        return control.target("live/test", id).map(TargetInfo::stats).orElse(null);
    }

    private static DestState state(Control control, String id) {
        DestStats s = stats(control, id);
        return s == null ? null : s.state();
    }

    /** Bytes sent to target a every 100 ms, {@code n} times. */
    private static void sample(Control control, List<Long> out, int n) {
        for (int i = 0; i < n; i++) {
            out.add(stats(control, "a").bytes());
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Every 500 ms window (5 samples) shows growth: no pause longer than that. */
    private static void assertIncreasingWithoutGap(List<Long> bytes) {
        assertThat(bytes).hasSizeGreaterThan(10);
        for (int i = 5; i < bytes.size(); i++) {
            assertThat(bytes.get(i)).as("bytes of a at sample %d of %s", i, bytes).isGreaterThan(bytes.get(i - 5));
        }
    }
}
