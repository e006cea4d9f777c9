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

    /**
     * Regression (SIGTERM with SRT targets connecting or forwarding aborted the JVM with
     * "malloc(): unsorted double linked list corrupted"): a JVM exits while threads are inside
     * srt_connect (to a silent port), srt_accept, srt_recvmsg, srt_sendmsg and srt_bstats, and
     * nothing of the application closes anything. libsrt's cleanup used to delete those sockets under
     * the threads; now it waits for them, so the child exits with its own status and no glibc report.
     */
    @Test
    void jvmExitsCleanlyWithThreadsInsideLibsrt() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        for (int round = 0; round < 3; round++) {
            Path out = tmp.resolve("busy-" + round + ".out");
            Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), BusyChild.class.getName())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("child JVM exited; its output: %s",
                        Files.exists(out) ? Files.readString(out) : "").isTrue();
                String output = Files.readString(out);
                assertThat(output).contains("busy: connecting, accepting, sending, receiving");
                assertThat(output).doesNotContain("malloc(", "double free", "corrupted", "SIGSEGV");
                assertThat(p.exitValue()).as(output).isEqualTo(42);
            } finally {
                p.destroyForcibly();
            }
        }
    }

    /** The child of {@link #jvmExitsCleanlyWithThreadsInsideLibsrt}: busy threads in every kind of libsrt call. */
    static final class BusyChild {
        public static void main(String[] args) throws Exception {
            SrtListener l = SrtListener.bind(loopback(0), SrtOptions.defaults(),
                    (sid, peer) -> SrtListener.Decision.accept(""));
            java.net.DatagramSocket silent = new java.net.DatagramSocket(loopback(0)); // takes, never answers
            for (int i = 0; i < 3; i++) {
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        SrtSocket.connect(loopback(silent.getLocalPort()), new SrtOptions(120, "", 0, "", 10_000, 5000));
                    } catch (SrtException expected) {
                        // refused once libsrt shuts down
                    }
                });
            }
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        SrtSocket s = l.accept();
                        s.receiveTimeoutMs(-1);
                        Thread.ofPlatform().daemon().start(() -> {
                            byte[] buf = new byte[1500];
                            try {
                                while (true) {
                                    s.receive(buf);
                                }
                            } catch (SrtException end) {
                                // closed by libsrt's shutdown
                            }
                        });
                    }
                } catch (SrtException end) {
                    // listener closed by libsrt's shutdown
                }
            });
            for (int i = 0; i < 3; i++) {
                SrtSocket c = SrtSocket.connect(loopback(l.port()), SrtOptions.defaults());
                Thread.ofPlatform().daemon().start(() -> {
                    var msg = Unpooled.directBuffer(SrtSocket.LIVE_PAYLOAD).writeZero(SrtSocket.LIVE_PAYLOAD);
                    try {
                        while (true) {
                            c.send(msg, 0, SrtSocket.LIVE_PAYLOAD);
                            c.stats(false);
                            Thread.onSpinWait();
                        }
                    } catch (SrtException end) {
                        // closed by libsrt's shutdown
                    }
                });
            }
            Thread.sleep(500);
            System.out.println("busy: connecting, accepting, sending, receiving");
            System.exit(42);
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
