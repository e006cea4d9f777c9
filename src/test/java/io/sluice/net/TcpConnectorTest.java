package io.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TcpConnector against 127.0.0.1: a connection with the given handlers, a refused port, a dest closed meanwhile. */
@Timeout(30)
class TcpConnectorTest {
    @Test
    void connectsWithTheHandlersAndHandsTheChannelOverFirst() throws Exception {
        try (NetLoops loops = new NetLoops(1); ServerSocket server = new ServerSocket(0)) {
            AtomicReference<Channel> opened = new AtomicReference<>();
            ChannelInboundHandlerAdapter handler = new ChannelInboundHandlerAdapter();
            TcpConnector c = new TcpConnector(loops, "127.0.0.1", server.getLocalPort(), 5000,
                    WriteBufferWaterMark.DEFAULT);
            Channel ch = c.connect(loops.next(), null, opened::set, () -> false, handler);
            try (Socket accepted = server.accept()) {
                assertThat(ch.isActive()).isTrue();
                assertThat(opened.get()).isSameAs(ch);
                assertThat(ch.pipeline().last()).isSameAs(handler);
            } finally {
                ch.close().sync();
            }
        }
    }

    @Test
    void aRefusedConnectNamesTheAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (NetLoops loops = new NetLoops(1)) {
            TcpConnector c = new TcpConnector(loops, "127.0.0.1", port, 5000, WriteBufferWaterMark.DEFAULT);
            assertThatThrownBy(() -> c.connect(loops.next(), null, ch -> { }, () -> false))
                    .isInstanceOf(IOException.class).hasMessageStartingWith("connect 127.0.0.1:" + port + ": ");
        }
    }

    @Test
    void aDestClosedWhileConnectingGetsNoConnection() throws Exception {
        try (NetLoops loops = new NetLoops(1); ServerSocket server = new ServerSocket(0)) {
            AtomicReference<Channel> opened = new AtomicReference<>();
            TcpConnector c = new TcpConnector(loops, "127.0.0.1", server.getLocalPort(), 5000,
                    WriteBufferWaterMark.DEFAULT);
            assertThatThrownBy(() -> c.connect(loops.next(), null, opened::set, () -> true))
                    .isInstanceOf(InterruptedException.class);
            opened.get().closeFuture().await(5000);
            assertThat(opened.get().isOpen()).isFalse();
        }
    }
}
