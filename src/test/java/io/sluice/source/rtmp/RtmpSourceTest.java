package io.sluice.source.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.conf.DestUrl;
import io.sluice.conf.RtspTransport;
import io.sluice.conf.SourceConf;
import io.sluice.conf.SourceUrl;
import io.sluice.net.NetLoops;
import io.sluice.net.rtmp.RtmpStatusException;
import io.sluice.source.FakeSourceContext;
import io.sluice.stream.Codec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RtmpSource against a scripted RTMP server on 127.0.0.1 that plays the frames of a real FFmpeg publish:
 * the play command sequence, the frames reaching the path's stream, the server's refusal, the read timeout,
 * and the remote's end of the stream.
 */
@Timeout(30)
class RtmpSourceTest {

    private static SourceConf conf(int port) {
        DestUrl.Rtmp url = new DestUrl.Rtmp("rtmp://127.0.0.1:" + port + "/live/cam", false, "127.0.0.1", port,
                "live", "cam", "", "");
        return new SourceConf(new SourceUrl.Remote(url), "", false, Duration.ofSeconds(10), Duration.ofSeconds(10),
                RtspTransport.AUTOMATIC, false, "", Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    @Test
    void playsTheStreamKeyAndWritesEveryFrameToThePath() throws Exception {
        try (NetLoops loops = new NetLoops(1);
                ScriptedRtmpServer server = new ScriptedRtmpServer(loops, ScriptedRtmpServer.Script.PLAY)) {
            FakeSourceContext ctx = new FakeSourceContext(loops.next());
            RtmpSource source = new RtmpSource(conf(server.port()), loops, Duration.ofSeconds(5),
                    Duration.ofSeconds(10));
            CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
                try {
                    source.run(ctx);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            long frames = server.videoFrames();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ctx.videoAus.get() < frames && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            source.close();
            run.get(10, TimeUnit.SECONDS);

            assertThat(ctx.published).hasSize(1);
            assertThat(ctx.published.getFirst().medias()).extracting(m -> m.format().codec())
                    .containsExactly(Codec.H264, Codec.MPEG4_AUDIO);
            assertThat(ctx.videoAus.get()).as("video frames of the capture").isEqualTo(frames);
            assertThat(ctx.audioAus.get()).isPositive();
            assertThat(ctx.publisherClosed).as("the run ends with the publisher closed").isTrue();

            assertThat(server.commands).extracting(c -> c.name()).containsExactly("connect", "createStream", "play");
            assertThat(server.commands.getFirst().property("tcUrl")).isEqualTo("rtmp://127.0.0.1:" + server.port()
                    + "/live");
            assertThat(server.commands.getFirst().property("app")).isEqualTo("live");
            assertThat(server.commands.get(2).args()).containsExactly("cam", -2000.0);
            assertThat(server.userControls).as("SetBufferLength on stream 1, then the ping response")
                    .contains(String.format("0003%08x%08x", ScriptedRtmpServer.STREAM_ID, RtmpSource.BUFFER_MS),
                            "0007000004d2");
        }
    }

    @Test
    void streamNotFoundEndsTheAttemptWithTheServersCode() throws Exception {
        try (NetLoops loops = new NetLoops(1);
                ScriptedRtmpServer server = new ScriptedRtmpServer(loops, ScriptedRtmpServer.Script.NOT_FOUND)) {
            FakeSourceContext ctx = new FakeSourceContext(loops.next());
            RtmpSource source = new RtmpSource(conf(server.port()), loops, Duration.ofSeconds(5),
                    Duration.ofSeconds(10));
            assertThatThrownBy(() -> source.run(ctx)).isInstanceOf(RtmpStatusException.class)
                    .hasMessageContaining("NetStream.Play.StreamNotFound").hasMessageContaining("No such stream");
            assertThat(ctx.published).isEmpty();
        }
    }

    @Test
    void silenceAfterPlayStartIsAReadTimeout() throws Exception {
        try (NetLoops loops = new NetLoops(1);
                ScriptedRtmpServer server = new ScriptedRtmpServer(loops, ScriptedRtmpServer.Script.SILENT)) {
            FakeSourceContext ctx = new FakeSourceContext(loops.next());
            RtmpSource source = new RtmpSource(conf(server.port()), loops, Duration.ofSeconds(5),
                    Duration.ofMillis(800));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> source.run(ctx)).hasMessageContaining("readTimeout 800 ms")
                    .hasMessageContaining("the stream never started");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void theRemotesUnpublishEndsTheRunNormally() throws Exception {
        try (NetLoops loops = new NetLoops(1);
                ScriptedRtmpServer server = new ScriptedRtmpServer(loops, ScriptedRtmpServer.Script.PLAY_THEN_STOP)) {
            FakeSourceContext ctx = new FakeSourceContext(loops.next());
            RtmpSource source = new RtmpSource(conf(server.port()), loops, Duration.ofSeconds(5),
                    Duration.ofSeconds(10));
            source.run(ctx);
            assertThat(ctx.published).hasSize(1);
            assertThat(ctx.publisherClosed).isTrue();
        }
    }

    @Test
    void aRefusedPortNamesHostAndPort() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (NetLoops loops = new NetLoops(1)) {
            RtmpSource source = new RtmpSource(conf(port), loops, Duration.ofSeconds(5), Duration.ofSeconds(10));
            int p = port;
            assertThatThrownBy(() -> source.run(new FakeSourceContext(loops.next())))
                    .hasMessageStartingWith("connect 127.0.0.1:" + p);
        }
    }
}
