package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * mediamtx's server switches: {@code rtsp: no}, {@code rtmp: no}, {@code api: no} leave those listeners
 * unbound, and a reload of the file that switches them on again binds them (and off again closes them).
 */
@Timeout(120)
class ServerSwitchesIT {

    @Test
    void aServerSwitchedOffIsNotBoundAndAReloadSwitchesItBackOn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("switches.yml");
        try (SluiceUnderTest sluice = SluiceUnderTest.start("rtsp: no\nrtmp: no\napi: no\n", file)) {
            int rtsp = URI.create(sluice.rtsp("x")).getPort();
            int rtmp = URI.create(sluice.rtmp("x")).getPort();
            assertThat(listening(rtsp)).as("rtsp: no").isFalse();
            assertThat(listening(rtmp)).as("rtmp: no").isFalse();
            assertThat(sluice.server().rtsp()).isNull();
            assertThat(sluice.server().apiPort()).as("api: no").isEqualTo(-1);
            assertThat(sluice.server().metricsPort()).as("metrics is on by default").isPositive();

            String on = Files.readString(file).replace("rtsp: no\n", "rtsp: yes\n");
            Files.writeString(file, on);
            assertThat(sluice.server().reloader().reloadFile()).isTrue();
            assertThat(listening(rtsp)).as("rtsp: yes after the reload").isTrue();
            assertThat(listening(rtmp)).as("rtmp still off").isFalse();

            Files.writeString(file, on.replace("rtsp: yes\n", "rtsp: false\n"));
            assertThat(sluice.server().reloader().reloadFile()).isTrue();
            assertThat(listening(rtsp)).as("rtsp: false after the second reload").isFalse();

            // a mediamtx key Sluice does not implement changes nothing that runs, and still warns at the reload
            try (LogCapture log = new LogCapture()) {
                Files.writeString(file, on.replace("rtsp: yes\n", "rtsp: false\nhls: no\n"));
                assertThat(sluice.server().reloader().reloadFile()).isTrue();
                assertThat(log.messages(Level.WARN, "hls: no — Sluice has no HLS server")).hasSize(1);
            }
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
