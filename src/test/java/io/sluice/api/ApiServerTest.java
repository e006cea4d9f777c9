package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.auth.Authorizer;
import io.sluice.control.FakeControl;
import io.sluice.net.NetLoops;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ApiServer's life cycle: start binds or fails naming the address, close frees the port and is idempotent. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiServerTest {

    @Test
    void closeFreesThePortAndLeavesNoThreads() throws Exception {
        try (NetLoops loops = new NetLoops(1)) {
            ApiServer server = new ApiServer("127.0.0.1:0", loops, FakeControl.sample(), Authorizer.ALLOW_ALL);
            assertThat(server.port()).isEqualTo(-1);
            server.start();
            int port = server.port();
            assertThat(port).isPositive();
            server.close();
            server.close();
            try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(again.getLocalPort()).isEqualTo(port);
            }
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("sluice-api"));
        }
    }

    @Test
    void startFailuresNameTheAddress() throws Exception {
        try (NetLoops loops = new NetLoops(1);
                ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ApiServer busy = new ApiServer("127.0.0.1:" + taken.getLocalPort(), loops, FakeControl.sample(),
                        Authorizer.ALLOW_ALL);
                ApiServer bad = new ApiServer("9997", loops, FakeControl.sample(), Authorizer.ALLOW_ALL)) {
            assertThatThrownBy(busy::start).isInstanceOf(IOException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
            assertThatThrownBy(bad::start).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9997");
        }
    }
}
