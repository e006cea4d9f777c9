package io.sluice.net.srt;

import static io.sluice.net.srt.SrtTesting.loopback;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that used SRT must still be able to exit. libsrt's exit-time destructor used to wait for
 * its worker threads while they waited to detach from the exiting JVM (see {@link Srt}), so the
 * process hung forever after System.exit with connections open.
 */
@Timeout(60)
class SrtExitTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void srt() {
        SrtTesting.assumeSrt();
    }

    @Test
    void jvmWithOpenConnectionsExits() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path out = tmp.resolve("child.out");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Child.class.getName())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("child JVM exited; its output: %s",
                    Files.exists(out) ? Files.readString(out) : "").isTrue();
            assertThat(p.exitValue()).as(Files.readString(out)).isEqualTo(42);
        } finally {
            p.destroyForcibly();
        }
    }

    /** The child: every upcall kind runs on libsrt's threads (gate, log), then exit with everything open. */
    static final class Child {
        public static void main(String[] args) throws Exception {
            SrtListener l = SrtListener.bind(loopback(0), SrtOptions.defaults(),
                    (sid, peer) -> SrtListener.Decision.accept("child-secret-1"));
            SrtSocket c = SrtSocket.connect(loopback(l.port()), SrtOptions.defaults().withPassphrase("child-secret-1"));
            SrtSocket s = l.accept();
            c.send(Unpooled.wrappedBuffer(new byte[188]), 0, 188);
            s.receiveTimeoutMs(2000);
            if (s.receive(new byte[1500]) != 188) {
                System.exit(1);
            }
            try {
                SrtSocket.connect(loopback(l.port()), SrtOptions.defaults().withPassphrase("wrong-secret-1")).close();
            } catch (SrtException expected) {
                System.out.println("refused as expected: " + expected.getMessage());
            }
            System.exit(42);
        }
    }
}
