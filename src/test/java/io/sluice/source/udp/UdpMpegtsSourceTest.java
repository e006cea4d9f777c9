package io.sluice.source.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.sluice.conf.SourceConf;
import io.sluice.conf.SourceUrl;
import io.sluice.source.RecordingSourceContext;
import io.sluice.stream.Codec;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The UDP source on a real socket and event loop, fed a real ffmpeg MPEG-TS capture. */
@Timeout(20)
class UdpMpegtsSourceTest {
    private static final int TS_PER_DATAGRAM = 7;

    private EventLoopGroup group;
    private ExecutorService runner;

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        runner = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() {
        runner.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static int freePort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static SourceConf conf(int port, String source) {
        SourceUrl.UdpMpegts url = new SourceUrl.UdpMpegts("udp+mpegts://127.0.0.1:" + port, "127.0.0.1", port, source);
        SourceConf d = SourceConf.PUBLISHER;
        return new SourceConf(url, "", false, d.onDemandStartTimeout(), d.onDemandCloseAfter(), d.rtspTransport(),
                false, "", d.reconnectDelay(), d.reconnectMaxDelay());
    }

    private static byte[] capture() throws IOException {
        try (InputStream in = UdpMpegtsSourceTest.class.getResourceAsStream("/captures/mpegts/ffmpeg51-h264-aac.ts")) {
            return in.readAllBytes();
        }
    }

    /** Sends the capture as ffmpeg's udp output does: 7 TS packets per datagram, paced a little. */
    private static int send(int port, byte[] ts) throws Exception {
        int sent = 0;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int chunk = 188 * TS_PER_DATAGRAM;
            for (int off = 0; off < ts.length; off += chunk) {
                int n = Math.min(chunk, ts.length - off);
                s.send(new DatagramPacket(ts, off, n, InetAddress.getLoopbackAddress(), port));
                sent++;
                if (sent % 8 == 0) {
                    Thread.sleep(1);
                }
            }
        }
        return sent;
    }

    @Test
    void demuxesDatagramsIntoThePublishedStream() throws Exception {
        int port = freePort();
        RecordingSourceContext ctx = new RecordingSourceContext(group.next());
        UdpMpegtsSource source = new UdpMpegtsSource("cam", conf(port, ""), NioDatagramChannel.class,
                Duration.ofSeconds(5));
        var run = runner.submit(() -> {
            source.run(ctx);
            return null;
        });
        Thread.sleep(300); // bound by then on an idle loop; a datagram sent before is lost, which the test would see
        byte[] ts = capture();
        send(port, ts);
        Stream s = ctx.published.get(5, TimeUnit.SECONDS);
        assertTrue(ctx.publishedOnLoop, "published on the context's loop");
        StreamDesc desc = s.desc();
        assertEquals(2, desc.medias().size(), desc.toString());
        assertEquals(Codec.H264, desc.medias().get(0).format().codec());
        assertEquals(Codec.MPEG4_AUDIO, desc.medias().get(1).format().codec());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (s.bytesIn() < ts.length / 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // the stream's bytes are RTP payload + headers: well over half the TS (whose overhead is < 10 %)
        assertTrue(s.bytesIn() > ts.length / 2, "bytes in the stream: " + s.bytesIn() + " of " + ts.length + " TS");
        assertTrue(ctx.figures.get().get("datagramsReceived").longValue() > 0, ctx.figures.get().toString());
        source.close();
        run.get(5, TimeUnit.SECONDS); // ends normally when closed
        ctx.publisherClosed.get(1, TimeUnit.SECONDS);
    }

    @Test
    void silenceEndsTheAttemptWithReadTimeout() throws Exception {
        int port = freePort();
        RecordingSourceContext ctx = new RecordingSourceContext(group.next());
        UdpMpegtsSource source = new UdpMpegtsSource("cam", conf(port, ""), NioDatagramChannel.class,
                Duration.ofMillis(400));
        ExecutionException e = assertThrows(ExecutionException.class, () -> runner.submit(() -> {
            source.run(ctx);
            return null;
        }).get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IOException, e.getCause().toString());
        assertTrue(e.getCause().getMessage().contains("readTimeout"), e.getCause().getMessage());
        assertTrue(e.getCause().getMessage().contains(":" + port), e.getCause().getMessage());
        assertTrue(!ctx.published.isDone(), "nothing published");
    }

    @Test
    void otherSendersAreIgnored() throws Exception {
        int port = freePort();
        RecordingSourceContext ctx = new RecordingSourceContext(group.next());
        UdpMpegtsSource source = new UdpMpegtsSource("cam", conf(port, "127.0.0.2"), NioDatagramChannel.class,
                Duration.ofMillis(1500));
        var run = runner.submit(() -> {
            source.run(ctx);
            return null;
        });
        Thread.sleep(300);
        send(port, capture()); // from 127.0.0.1
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("readTimeout"), e.getCause().getMessage());
        assertTrue(!ctx.published.isDone(), "datagrams of another sender were not demuxed");
    }

    @Test
    void portInUseIsAClearError() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            RecordingSourceContext ctx = new RecordingSourceContext(group.next());
            UdpMpegtsSource source = new UdpMpegtsSource("cam", conf(port, ""), NioDatagramChannel.class,
                    Duration.ofSeconds(5));
            ExecutionException e = assertThrows(ExecutionException.class, () -> runner.submit(() -> {
                source.run(ctx);
                return null;
            }).get(5, TimeUnit.SECONDS));
            assertNotNull(e.getCause().getMessage());
            assertTrue(e.getCause().getMessage().contains("cannot listen on udp 127.0.0.1:" + port),
                    e.getCause().getMessage());
        }
    }
}
