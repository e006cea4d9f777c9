package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.Control;
import io.sluice.control.Control.TargetInfo;
import io.sluice.forward.DestState;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failover groups and {@code when:} conditions with real peers: ffmpeg publishes over RTSP, nginx-rtmp
 * servers are the targets, an ffmpeg RTSP reader is the local reader a condition waits for.
 */
@Timeout(180)
class ForwardRulesIT {
    static final int SECONDS = 40;

    private static String yaml(int main, int backup, int preview) {
        return """
                paths:
                  live/test:
                    forwardTargets:
                      - id: main
                        url: rtmp://127.0.0.1:%d/live/main
                        group: g
                        reconnectDelay: 300ms
                        reconnectMaxDelay: 1s
                      - id: backup
                        url: rtmp://127.0.0.1:%d/live/backup
                        group: g
                        reconnectDelay: 300ms
                        reconnectMaxDelay: 1s
                      - id: preview
                        url: rtmp://127.0.0.1:%d/live/preview
                        when: {minReaders: 1}
                        reconnectDelay: 300ms
                """.formatted(main, backup, preview);
    }

    private static TargetInfo target(Control c, String id) {
        return c.target("live/test", id).orElseThrow();
    }

    @Test
    void failoverGroupAndReaderCondition() throws Exception {
        int mainPort = Ports.tcp();
        int backupPort = Ports.tcp();
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml(mainPort, backupPort, backupPort));
                Peer backupSink = Peer.start("sink-rtmp.sh", Integer.toString(backupPort),
                        Integer.toString(SECONDS + 10))) {
            assertThat(Ports.awaitListening(backupPort, Duration.ofSeconds(10))).as(backupSink.output()).isTrue();
            Control c = sluice.server().control();
            try (Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/test"), Integer.toString(SECONDS))) {
                // main's server is down: backup forwards, main keeps retrying
                assertThat(Wait.until(() -> target(c, "backup").stats().state() == DestState.FORWARDING,
                        Duration.ofSeconds(20))).as(pub.output()).isTrue();
                assertThat(target(c, "main").stats().state()).isIn(DestState.BACKOFF, DestState.CONNECTING);
                assertThat(target(c, "main").stats().lastError()).isNotEmpty();
                // no reader yet: preview waits and says why
                assertThat(target(c, "preview").stats().state()).isEqualTo(DestState.IDLE);
                assertThat(target(c, "preview").waiting()).isEqualTo("waiting for 1 reader(s), path has 0");

                // main's server comes up: main forwards again, backup stands by
                try (Peer mainSink = Peer.start("sink-rtmp.sh", Integer.toString(mainPort),
                        Integer.toString(SECONDS))) {
                    assertThat(Wait.until(() -> target(c, "main").stats().state() == DestState.FORWARDING,
                            Duration.ofSeconds(10))).as(mainSink.output()).isTrue();
                    assertThat(Wait.until(() -> target(c, "backup").stats().state() == DestState.IDLE,
                            Duration.ofSeconds(2))).isTrue();
                    assertThat(target(c, "backup").waiting()).isEqualTo("standby in group g");
                    long before = target(c, "main").stats().bytes();
                    Thread.sleep(1000);
                    assertThat(target(c, "main").stats().bytes()).isGreaterThan(before);

                    // a local reader arrives: preview starts; it leaves: preview stops
                    try (Peer reader = Peer.start("read-rtsp.sh", sluice.rtsp("live/test"), "6")) {
                        assertThat(Wait.until(() -> target(c, "preview").stats().state() == DestState.FORWARDING,
                                Duration.ofSeconds(15))).as(reader.output()).isTrue();
                        reader.await(Duration.ofSeconds(40));
                    }
                    assertThat(Wait.until(() -> target(c, "preview").stats().state() == DestState.IDLE,
                            Duration.ofSeconds(10))).isTrue();
                }
            }
        }
    }
}
