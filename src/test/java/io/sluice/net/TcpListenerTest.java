package io.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.sluice.conf.LimitsConf;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TcpListener on 127.0.0.1:0: the protocol's handlers see each connection, and close() ends them. */
@Timeout(30)
class TcpListenerTest {
    private static final LimitsConf LIMITS = new LimitsConf(5, 2, Duration.ofSeconds(10), 16 * 1024, 1 << 20, 0, 0);

    @Test
    void connectionsGetTheProtocolsHandlersAndCloseEndsThem() throws Exception {
        CountDownLatch active = new CountDownLatch(1);
        ConnectionLimiter limiter = new ConnectionLimiter("test", () -> LIMITS, new Refusals(),
                ConnectionLimiter.Refusal.CLOSE, ConnectionLimiter.Deadline.FIRST_REQUEST);
        try (NetLoops loops = new NetLoops(1)) {
            TcpListener l = TcpListener.bind("test", loops, new InetSocketAddress("127.0.0.1", 0), limiter, null,
                    p -> p.addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            active.countDown();
                        }
                    }));
            int port = l.port();
            assertThat(port).isPositive();
            try (Socket s = new Socket("127.0.0.1", port)) {
                assertThat(active.await(10, TimeUnit.SECONDS)).as("protocol handler saw the connection").isTrue();
                s.setSoTimeout(10_000);
                l.close();
                InputStream in = s.getInputStream();
                assertThat(in.read()).as("connection closed by close()").isEqualTo(-1);
            }
            l.close(); // idempotent
            assertThat(refused(port)).as("no longer listening").isTrue();
        }
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
