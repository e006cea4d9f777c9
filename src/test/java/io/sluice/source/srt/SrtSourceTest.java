package io.sluice.source.srt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.Unpooled;
import io.sluice.conf.DestUrl;
import io.sluice.conf.RtspTransport;
import io.sluice.conf.SourceConf;
import io.sluice.conf.SourceUrl;
import io.sluice.net.NetLoops;
import io.sluice.net.srt.Srt;
import io.sluice.net.srt.SrtListener;
import io.sluice.net.srt.SrtOptions;
import io.sluice.net.srt.SrtSocket;
import io.sluice.source.FakeSourceContext;
import io.sluice.stream.Codec;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SrtSource against a libsrt listener on 127.0.0.1 that sends a real FFmpeg MPEG-TS capture (H264 with
 * B-frames + AAC): the stream id and passphrase reach the listener, the frames reach the path's stream, a
 * wrong passphrase is named, the URL's bad values are named.
 */
@Timeout(60)
class SrtSourceTest {
    private static final String SECRET = "correct-horse-battery";

    static SourceConf conf(int port, Map<String, String> query) {
        StringBuilder raw = new StringBuilder("srt://127.0.0.1:" + port);
        query.forEach((k, v) -> raw.append(raw.indexOf("?") < 0 ? "?" : "&").append(k).append('=').append(v));
        DestUrl.Srt url = new DestUrl.Srt(raw.toString(), "127.0.0.1", port, query);
        return new SourceConf(new SourceUrl.Remote(url), "", false, Duration.ofSeconds(10), Duration.ofSeconds(10),
                RtspTransport.AUTOMATIC, false, "", Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    private static byte[] capture() throws Exception {
        try (InputStream in = SrtSourceTest.class.getResourceAsStream("/captures/mpegts/ffmpeg51-h264-aac.ts")) {
            return in.readAllBytes();
        }
    }

    @Test
    void pullsTheTsOfAListenerWithStreamIdAndPassphrase() throws Exception {
        assumeTrue(Srt.available(), "libsrt not available");
        byte[] ts = capture();
        List<String> streamIds = new CopyOnWriteArrayList<>();
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try (NetLoops loops = new NetLoops(1);
                SrtListener l = SrtListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        SrtOptions.defaults(), (sid, peer) -> {
                            streamIds.add(sid);
                            return SrtListener.Decision.accept(SECRET);
                        })) {
            Future<?> sent = sender.submit(() -> {
                try (SrtSocket s = l.accept()) {
                    for (int i = 0; i < ts.length; i += SrtSocket.LIVE_PAYLOAD) {
                        int n = Math.min(SrtSocket.LIVE_PAYLOAD, ts.length - i);
                        while (s.send(Unpooled.wrappedBuffer(ts), i, n) == 0) {
                            Thread.sleep(1);
                        }
                        Thread.sleep(1); // ~10 Mbit/s: within libsrt's default bandwidth
                    }
                    Thread.sleep(2000); // let the last packets arrive before the socket closes
                }
                return null;
            });
            FakeSourceContext ctx = new FakeSourceContext(loops.next());
            Map<String, String> q = new LinkedHashMap<>();
            q.put("streamid", "read:cam");
            q.put("passphrase", SECRET);
            q.put("latency", "200");
            SrtSource source = new SrtSource(conf(l.port(), q), Duration.ofSeconds(5), Duration.ofSeconds(10));
            CompletableFuture<Exception> run = CompletableFuture.supplyAsync(() -> {
                try {
                    source.run(ctx);
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            sent.get(30, TimeUnit.SECONDS);
            Exception ended = run.get(30, TimeUnit.SECONDS);
            assertThat(ended).as("the listener's close ends the run with the reason")
                    .hasMessageContaining("SRT connection to 127.0.0.1:" + l.port() + " ended");
            assertThat(streamIds).containsExactly("read:cam");
            assertThat(ctx.published).hasSize(1);
            assertThat(ctx.published.getFirst().medias()).extracting(m -> m.format().codec())
                    .containsExactly(Codec.H264, Codec.MPEG4_AUDIO);
            // 50 frames; the last, unbounded video PES ends only with the next one, which never comes
            assertThat(ctx.videoAus.get()).isBetween(49L, 50L);
            assertThat(ctx.publisherClosed).isTrue();
        } finally {
            sender.shutdownNow();
        }
    }

    @Test
    void aWrongPassphraseIsNamed() throws Exception {
        assumeTrue(Srt.available(), "libsrt not available");
        try (NetLoops loops = new NetLoops(1);
                SrtListener l = SrtListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        SrtOptions.defaults(), (sid, peer) -> SrtListener.Decision.accept(SECRET))) {
            ExecutorService acceptor = Executors.newSingleThreadExecutor();
            acceptor.submit(l::accept);
            try {
                SrtSource source = new SrtSource(conf(l.port(), Map.of("passphrase", "not-the-secret")),
                        Duration.ofSeconds(5), Duration.ofSeconds(10));
                assertThatThrownBy(() -> source.run(new FakeSourceContext(loops.next())))
                        .hasMessageContaining("BADSECRET").hasMessageContaining("passphrase=")
                        .hasMessageNotContaining("not-the-secret");
            } finally {
                acceptor.shutdownNow();
            }
        }
    }

    @Test
    void badUrlValuesAreNamed() {
        assertThatThrownBy(() -> SrtSourceOptions.of((DestUrl.Srt) ((SourceUrl.Remote) conf(9000,
                Map.of("latency", "fast")).url()).url(), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("latency 'fast'");
        assertThatThrownBy(() -> SrtSourceOptions.of((DestUrl.Srt) ((SourceUrl.Remote) conf(9000,
                Map.of("pbkeylen", "20")).url()).url(), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("pbkeylen must be 0, 16, 24 or 32, got 20");
        assertThatThrownBy(() -> SrtSourceOptions.of((DestUrl.Srt) ((SourceUrl.Remote) conf(9000,
                Map.of("passphrase", "short")).url()).url(), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("passphrase must be 10 to 79 bytes").hasMessageNotContaining("short");
    }
}
