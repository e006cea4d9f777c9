package io.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.conf.LimitsConf;
import io.sluice.net.Refusals.Cause;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {
    private final AtomicReference<LimitsConf> limits = new AtomicReference<>(
            new LimitsConf(5, 2, Duration.ofSeconds(10), 16 * 1024, 1 << 20, 0, 0));
    private final Refusals refusals = new Refusals();

    /** What the handler behind the guard saw. */
    private static final class Probe extends ChannelInboundHandlerAdapter {
        final List<String> events = new ArrayList<>();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            events.add("active");
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            events.add("read");
            ((ByteBuf) msg).release();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add("inactive");
        }
    }

    private ConnectionLimiter limiter(ConnectionLimiter.Refusal refusal, ConnectionLimiter.Deadline deadline) {
        return new ConnectionLimiter("rtsp", limits::get, refusals, refusal, deadline);
    }

    /** An embedded connection from {@code ip}, with the guard installed as a listener's initializer would. */
    private static EmbeddedChannel connect(ConnectionLimiter l, String ip, Probe probe) throws Exception {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName(ip), 40000);
        EmbeddedChannel ch = new EmbeddedChannel(false, true) {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
        l.install(ch);
        ch.pipeline().addLast(probe);
        ch.register();
        ch.freezeTime(); // from here deadlines move only with advanceTimeBy
        return ch;
    }

    @Test
    void refusesTheConnectionOverThePerAddressLimitWithTheProtocolsReplyAndCountsIt() throws Exception {
        ConnectionLimiter l = limiter(ConnectionLimiter.Refusal.RTSP_503, ConnectionLimiter.Deadline.FIRST_REQUEST);
        Probe p1 = new Probe();
        Probe p2 = new Probe();
        Probe p3 = new Probe();
        EmbeddedChannel a = connect(l, "10.0.0.1", p1);
        EmbeddedChannel b = connect(l, "10.0.0.1", p2);
        EmbeddedChannel c = connect(l, "10.0.0.1", p3);

        assertThat(a.isActive()).isTrue();
        assertThat(b.isActive()).isTrue();
        assertThat(c.isOpen()).isFalse();
        ByteBuf reply = c.readOutbound();
        assertThat(reply.toString(StandardCharsets.US_ASCII)).startsWith("RTSP/1.0 503 Service Unavailable\r\n");
        reply.release();
        // the handler behind the guard never saw the refused connection, not even its close
        assertThat(p3.events).isEmpty();
        assertThat(p1.events).containsExactly("active");
        assertThat(refusals.count("rtsp", Cause.IP_CONNECTIONS)).isEqualTo(1);
        assertThat(l.open()).isEqualTo(2);
        assertThat(l.open(InetAddress.getByName("10.0.0.1"))).isEqualTo(2);

        // another address still gets in
        EmbeddedChannel d = connect(l, "10.0.0.2", new Probe());
        assertThat(d.isActive()).isTrue();

        // closing one frees its slot for the same address
        a.close();
        assertThat(p1.events).containsExactly("active", "inactive");
        assertThat(l.open(InetAddress.getByName("10.0.0.1"))).isEqualTo(1);
        EmbeddedChannel e = connect(l, "10.0.0.1", new Probe());
        assertThat(e.isActive()).isTrue();
        assertThat(refusals.count("rtsp", Cause.IP_CONNECTIONS)).isEqualTo(1);

        for (EmbeddedChannel ch : List.of(b, d, e)) {
            ch.close();
        }
        assertThat(l.open()).isZero();
        assertThat(l.open(InetAddress.getByName("10.0.0.1"))).isZero();
    }

    @Test
    void refusesOverTheListenerLimitAndReadsTheLimitAtEachAccept() throws Exception {
        ConnectionLimiter l = limiter(ConnectionLimiter.Refusal.CLOSE, ConnectionLimiter.Deadline.FIRST_REQUEST);
        List<EmbeddedChannel> open = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            open.add(connect(l, "10.0.1." + i, new Probe()));
        }
        EmbeddedChannel sixth = connect(l, "10.0.2.1", new Probe());
        assertThat(sixth.isOpen()).isFalse();
        assertThat((Object) sixth.readOutbound()).isNull(); // CLOSE: no bytes
        assertThat(refusals.count("rtsp", Cause.LISTENER_CONNECTIONS)).isEqualTo(1);

        limits.set(new LimitsConf(6, 2, Duration.ofSeconds(10), 16 * 1024, 1 << 20, 0, 0)); // a reload
        EmbeddedChannel again = connect(l, "10.0.2.1", new Probe());
        assertThat(again.isActive()).isTrue();
        open.add(again);
        open.forEach(EmbeddedChannel::close);
        assertThat(l.open()).isZero();
    }

    @Test
    void zeroMeansNoLimit() throws Exception {
        limits.set(new LimitsConf(0, 0, Duration.ofSeconds(10), 16 * 1024, 1 << 20, 0, 0));
        ConnectionLimiter l = limiter(ConnectionLimiter.Refusal.CLOSE, ConnectionLimiter.Deadline.FIRST_REQUEST);
        List<EmbeddedChannel> open = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            open.add(connect(l, "10.0.0.1", new Probe()));
        }
        assertThat(open).allMatch(EmbeddedChannel::isActive);
        assertThat(refusals.counts()).isEmpty();
        open.forEach(EmbeddedChannel::close);
    }

    @Test
    void closesAConnectionThatDoesNotPassItsFirstRequestBeforeTheDeadline() throws Exception {
        limits.set(new LimitsConf(5, 2, Duration.ofSeconds(2), 16 * 1024, 1 << 20, 0, 0));
        ConnectionLimiter l = limiter(ConnectionLimiter.Refusal.RTSP_503, ConnectionLimiter.Deadline.FIRST_REQUEST);
        Probe slow = new Probe();
        EmbeddedChannel ch = connect(l, "10.0.0.1", slow);
        ch.writeInbound(Unpooled.copiedBuffer("O", StandardCharsets.US_ASCII));
        ch.advanceTimeBy(1900, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isTrue();
        ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(slow.events).containsExactly("active", "read", "inactive");
        assertThat(refusals.count("rtsp", Cause.HANDSHAKE_TIMEOUT)).isEqualTo(1);
        assertThat(l.open()).isZero();

        // one that passes in time is left alone, then and later
        EmbeddedChannel ok = connect(l, "10.0.0.1", new Probe());
        ConnectionLimiter.passed(ok.pipeline());
        ok.advanceTimeBy(3, TimeUnit.SECONDS);
        ok.writeInbound(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII));
        ok.advanceTimeBy(3, TimeUnit.SECONDS);
        ok.runScheduledPendingTasks();
        assertThat(ok.isActive()).isTrue();
        assertThat(refusals.count("rtsp", Cause.HANDSHAKE_TIMEOUT)).isEqualTo(1);
        ok.close();
    }

    @Test
    void eachRequestModeArmsTheDeadlineAgainAtTheNextRequestsFirstByte() throws Exception {
        limits.set(new LimitsConf(5, 2, Duration.ofSeconds(2), 16 * 1024, 1 << 20, 0, 0));
        ConnectionLimiter l = limiter(ConnectionLimiter.Refusal.HTTP_503, ConnectionLimiter.Deadline.EACH_REQUEST);
        EmbeddedChannel ch = connect(l, "10.0.0.1", new Probe());
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII));
        ConnectionLimiter.passed(ch.pipeline()); // as HttpConn does on a whole request
        ch.advanceTimeBy(3, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).as("an idle keep-alive connection is the idle timeout's business").isTrue();

        ch.writeInbound(Unpooled.copiedBuffer("G", StandardCharsets.US_ASCII));
        ch.advanceTimeBy(3, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(refusals.count("rtsp", Cause.HANDSHAKE_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void checkTakesNothingAndAcquireReleaseBalance() throws Exception {
        ConnectionLimiter l = limiter(ConnectionLimiter.Refusal.CLOSE, ConnectionLimiter.Deadline.FIRST_REQUEST);
        InetAddress a = InetAddress.getByName("10.0.0.9");
        assertThat(l.check(a)).isNull();
        assertThat(l.acquire(a)).isNull();
        assertThat(l.acquire(a)).isNull();
        assertThat(l.check(a)).isEqualTo(Cause.IP_CONNECTIONS);
        assertThat(l.acquire(a)).isEqualTo(Cause.IP_CONNECTIONS);
        assertThat(l.open()).isEqualTo(2);
        l.release(a);
        l.release(a);
        assertThat(l.open()).isZero();
        assertThat(l.open(a)).isZero();
        assertThat(l.check(a)).isNull();
    }
}
