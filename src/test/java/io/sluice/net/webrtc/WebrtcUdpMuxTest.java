package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The mux holds its port from start() but starts ice4j (harvesters, their reader threads) only for the first
 * session: a server that never sees a WebRTC peer does not pay for it, and a busy port still fails start().
 */
class WebrtcUdpMuxTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void startHoldsThePortWithoutIce4jAndTheFirstSessionHandsItOver() throws Exception {
        try (WebrtcUdpMux mux = new WebrtcUdpMux("127.0.0.1:0", List.of())) {
            mux.start();
            int port = mux.port();
            assertThat(port).isPositive();
            assertThat(ice4jReaderThreads(port)).isZero();
            assertThatThrownBy(() -> new DatagramSocket(new InetSocketAddress(LOOPBACK, port)).close())
                    .as("the port is held from start()").isInstanceOf(BindException.class);

            var harvesters = mux.harvesters();
            assertThat(harvesters).hasSize(1);
            assertThat(harvesters.getFirst().getLocalAddress().getPort()).isEqualTo(port);
            assertThat(mux.harvesters()).as("made once").isSameAs(harvesters).hasSize(1);
            assertThat(ice4jReaderThreads(port)).isEqualTo(1);
            assertThatThrownBy(() -> new DatagramSocket(new InetSocketAddress(LOOPBACK, port)).close())
                    .as("still held, now by ice4j").isInstanceOf(BindException.class);
        }
    }

    @Test
    void aBusyPortFailsStartNamingIt() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
                WebrtcUdpMux mux = new WebrtcUdpMux("127.0.0.1:" + taken.getLocalPort(), List.of())) {
            assertThatThrownBy(mux::start).isInstanceOf(BindException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void closeReleasesThePortWhetherIce4jStartedOrNot() throws Exception {
        for (boolean session : new boolean[] {false, true}) {
            WebrtcUdpMux mux = new WebrtcUdpMux("127.0.0.1:0", List.of());
            mux.start();
            int port = mux.port();
            if (session) {
                mux.harvesters();
            }
            mux.close();
            bindWithin(port, 5_000); // free again (ice4j's reader lets go of its socket a moment after close)
            assertThatThrownBy(mux::harvesters).isInstanceOf(IllegalStateException.class);
        }
    }

    private static void bindWithin(int port, long maxMs) throws Exception {
        long end = System.currentTimeMillis() + maxMs;
        while (true) {
            try {
                new DatagramSocket(new InetSocketAddress(LOOPBACK, port)).close();
                return;
            } catch (BindException stillHeld) {
                if (System.currentTimeMillis() > end) {
                    throw stillHeld;
                }
                Thread.sleep(20);
            }
        }
    }

    /** ice4j names its reader "...AbstractUdpListener thread for ADDRESS:PORT/udp". */
    private static long ice4jReaderThreads(int port) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().contains("AbstractUdpListener") && t.getName().contains(":" + port + "/"))
                .count();
    }
}
