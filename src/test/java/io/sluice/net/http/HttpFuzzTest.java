package io.sluice.net.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.conf.LimitsConf;
import io.sluice.net.ConnectionLimiter;
import io.sluice.net.Refusals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.sluice.testing.TrackingAllocator;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HttpFuzzTest feeds fuzzer bytes, as one TCP connection, to the HTTP pipeline the API, metrics and
 * WHIP/WHEP listeners share (Netty's codec, {@link HttpConn.BodyLimit}, {@link HttpConn}). The
 * contract: every whole request gets exactly one reply, in order; the connection closes only after a
 * reply that says so (a closed connection without one means an exception escaped into
 * {@code exceptionCaught}); every buffer is released.
 */
class HttpFuzzTest {
    /** Small, so that the fuzzer reaches the 413 path. */
    private static final int MAX_BODY = 512;
    /** The start of each reply: the handler's bodies ("ok", fixed refusal reasons) never hold one. */
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 \\d{3} ");

    @FuzzTest
    void connection(byte[] data) {
        TrackingAllocator alloc = new TrackingAllocator();
        List<HttpRequest> handled = new ArrayList<>();
        HttpHandler handler = new HttpHandler() {
            @Override
            public HttpReply handle(HttpRequest req) {
                handled.add(req);
                assertThat(req.path()).isNotNull();
                return HttpReply.text(200, "ok");
            }

            @Override
            public HttpReply refused(int status, String reason) {
                return HttpReply.text(status, reason);
            }
        };
        EmbeddedChannel ch = new TcpLikeChannel();
        ch.config().setAllocator(alloc);
        ConnectionLimiter limiter = HttpListener.limiter("fuzz", () -> LimitsConf.DEFAULT, new Refusals());
        ch.pipeline().addLast(new HttpServerCodec(), new HttpConn.BodyLimit(limiter, MAX_BODY),
                new HttpConn("fuzz", handler, Runnable::run, limiter));
        ch.writeInbound(Unpooled.wrappedBuffer(data));
        ch.runPendingTasks();
        ch.checkException();
        StringBuilder out = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        List<String> replies = new ArrayList<>();
        Matcher m = STATUS_LINE.matcher(out);
        while (m.find()) {
            replies.add(out.substring(m.start(), out.indexOf("\r\n\r\n", m.start()) + 4));
        }
        if (!ch.isOpen()) {
            assertThat(replies).as("the connection closed without a reply").isNotEmpty();
            assertThat(replies.getLast().toLowerCase(Locale.ROOT))
                    .as("the connection closed after a keep-alive reply").contains("connection: close");
        }
        assertThat(replies.size()).isGreaterThanOrEqualTo(handled.size());
        ch.finishAndReleaseAll();
        alloc.assertAllReleased();
    }

    /** An EmbeddedChannel with a TCP peer address, as HttpConn logs it. */
    private static final class TcpLikeChannel extends EmbeddedChannel {
        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress("127.0.0.1", 40000);
        }
    }
}
