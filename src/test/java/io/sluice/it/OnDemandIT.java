package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.conf.PathConf;
import io.sluice.path.OnDemandFactory;
import io.sluice.path.Path;
import io.sluice.path.StreamOnDemand;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On-demand paths with real readers: an RTSP, an RTMP and an SRT reader (ffmpeg) of a path with no stream make
 * it start its publisher once and each gets frames; the publisher stops closeAfter after the last reader left;
 * a reader of a stream that never comes gets 503 after the start timeout (RTSP, with its pipelined request
 * answered after it, in order; WHEP).
 *
 * <p>What brings the stream here is an ffmpeg RTSP publisher the test starts and stops (what {@code runOnDemand}
 * does), installed through {@link OnDemandFactory}: the demand logic and the readers' waiting are what is tested.
 */
@Timeout(120)
class OnDemandIT {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEAD_START_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CLOSE_AFTER = Duration.ofSeconds(3);
    private static final int READ_SECONDS = 10;

    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger stops = new AtomicInteger();
    private final AtomicLong stoppedAtNanos = new AtomicLong();

    /** Starts an ffmpeg publisher to the path on start, kills it on stop; "dead/" paths start nothing. */
    private OnDemandFactory ffmpegOnDemand(SluiceUnderTest sluice) {
        return new OnDemandFactory() {
            @Override
            public boolean onDemand(PathConf conf) {
                return conf.name().startsWith("~");
            }

            @Override
            public StreamOnDemand create(Path path) {
                boolean dead = path.name().startsWith("dead/");
                return new StreamOnDemand() {
                    private Peer publisher;

                    @Override
                    public synchronized void start() {
                        starts.incrementAndGet();
                        if (!dead) {
                            try {
                                publisher = FfmpegPeer.publishH264(sluice.rtsp(path.name()), 60, false);
                            } catch (IOException e) {
                                throw new IllegalStateException("ffmpeg did not start", e);
                            }
                        }
                    }

                    @Override
                    public synchronized void stop() {
                        stops.incrementAndGet();
                        stoppedAtNanos.set(System.nanoTime());
                        if (publisher != null) {
                            publisher.close();
                            publisher = null;
                        }
                    }

                    @Override
                    public Duration startTimeout() {
                        return dead ? DEAD_START_TIMEOUT : START_TIMEOUT;
                    }

                    @Override
                    public Duration closeAfter() {
                        return CLOSE_AFTER;
                    }

                    @Override
                    public String describe() {
                        return dead ? "nothing" : "an ffmpeg publisher";
                    }
                };
            }
        };
    }

    private static final String PATHS = """
            paths:
              "~^(live|dead)/.+$":
                publisherGrace: 0
            """;

    @Test
    void rtspRtmpAndSrtReadersStartTheStreamOnceAndItStopsAfterTheLastLeft() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start(PATHS)) {
            sluice.server().paths().onDemand(ffmpegOnDemand(sluice));
            assertThat(sluice.server().paths().get("live/cam")).isNull(); // nothing runs before a reader

            long readersEnded;
            try (Peer rtsp = Peer.start("read-rtsp.sh", sluice.rtsp("live/cam"), Integer.toString(READ_SECONDS));
                    Peer rtmp = Peer.start("read-rtmp.sh", sluice.rtmp("live/cam"), Integer.toString(READ_SECONDS));
                    Peer srt = Peer.start("read-srt.sh", sluice.srt(), "read:live/cam",
                            Integer.toString(READ_SECONDS))) {
                assertThat(Wait.until(() -> sluice.server().paths().get("live/cam") != null
                        && "ready".equals(sluice.server().paths().get("live/cam").onDemandState()),
                        Duration.ofSeconds(15))).as("the stream came up on demand").isTrue();
                assertThat(Wait.until(() -> sluice.server().paths().sessions().readers("live/cam") == 3,
                        Duration.ofSeconds(10))).as("three reader sessions").isTrue();
                // The moment the last reader session left (the readers' scripts then still count frames).
                long deadline = System.nanoTime() + Duration.ofSeconds(READ_SECONDS + 20).toNanos();
                while (sluice.server().paths().sessions().readers("live/cam") > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                readersEnded = System.nanoTime();
                assertThat(stops.get()).as("not stopped as the last reader left").isZero();
                rtsp.await(Duration.ofSeconds(READ_SECONDS + 70));
                rtmp.await(Duration.ofSeconds(READ_SECONDS + 70));
                srt.await(Duration.ofSeconds(READ_SECONDS + 70));
                // Each waited for the publisher (ffmpeg start, x264 start, a keyframe: ~1-3 s of its 10 s), and
                // ffmpeg probes 1 s: at least 5 s of the 30 fps video and 46.9 fps AAC must have come.
                for (Peer p : java.util.List.of(rtsp, rtmp, srt)) {
                    System.out.println("on demand reader: " + p.result("READ"));
                }
                MediaChecks.assertRead(rtsp, 150, 230);
                MediaChecks.assertRead(rtmp, 150, 230);
                MediaChecks.assertRead(srt, 150, 230);
            }
            assertThat(starts.get()).as("one start for three readers").isEqualTo(1);
            assertThat(Wait.until(() -> stops.get() == 1, CLOSE_AFTER.plusSeconds(10))).isTrue();
            long afterLast = (stoppedAtNanos.get() - readersEnded) / 1_000_000;
            // closeAfter after the last reader left (10 ms polling slack), not at once.
            assertThat(afterLast).as("ms from the last reader to the stop").isGreaterThan(
                    CLOSE_AFTER.toMillis() - 100).isLessThan(CLOSE_AFTER.toMillis() + 5000);
            assertThat(Wait.until(() -> sluice.server().paths().get("live/cam") == null
                    || sluice.server().paths().get("live/cam").stream() == null, Duration.ofSeconds(10))).isTrue();
            assertThat(starts.get()).isEqualTo(1);
        }
    }

    @Test
    void aReaderOfAStreamThatNeverComesGets503AfterTheStartTimeout() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start(PATHS)) {
            sluice.server().paths().onDemand(ffmpegOnDemand(sluice));
            try (RawRtsp raw = new RawRtsp(sluice.rtspPort)) {
                String url = sluice.rtsp("dead/cam");
                long t0 = System.nanoTime();
                // DESCRIBE and OPTIONS pipelined in one write: the OPTIONS answer must wait for the DESCRIBE's.
                raw.send(("DESCRIBE " + url + " RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n"
                        + "OPTIONS " + url + " RTSP/1.0\r\nCSeq: 2\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                RawRtsp.Response describe = raw.response();
                long waitedMs = (System.nanoTime() - t0) / 1_000_000;
                RawRtsp.Response options = raw.response();

                assertThat(describe.status()).as(describe.body()).isEqualTo(503);
                assertThat(describe.all("CSeq")).containsExactly("1");
                assertThat(describe.body()).contains("dead/cam").contains("did not come up within 2s");
                assertThat(waitedMs).isGreaterThanOrEqualTo(DEAD_START_TIMEOUT.toMillis() - 100).isLessThan(4500);
                assertThat(options.status()).isEqualTo(200);
                assertThat(options.all("CSeq")).containsExactly("2");
            }
            assertThat(starts.get()).isEqualTo(1);
            assertThat(Wait.until(() -> stops.get() == 1, Duration.ofSeconds(5))).isTrue();

            // WHEP: the answer to the offer waits the same way, then says why there is none.
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            long t0 = System.nanoTime();
            HttpResponse<String> whep = http.send(HttpRequest.newBuilder(URI.create(sluice.whep("dead/web")))
                    .header("Content-Type", "application/sdp").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString("v=0\r\n")).build(), HttpResponse.BodyHandlers.ofString());
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(whep.statusCode()).as(whep.body()).isEqualTo(503);
            assertThat(whep.body()).contains("dead/web").contains("did not come up within 2s");
            assertThat(waitedMs).isGreaterThanOrEqualTo(DEAD_START_TIMEOUT.toMillis() - 100).isLessThan(4500);
            assertThat(starts.get()).isEqualTo(2);
        }
    }

    @Test
    void aClientThatLeavesWhileWaitingLeavesNoReaderAndTheStreamStopsAfterCloseAfter() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start(PATHS)) {
            sluice.server().paths().onDemand(ffmpegOnDemand(sluice));
            try (RawRtsp raw = new RawRtsp(sluice.rtspPort)) {
                raw.send(("DESCRIBE " + sluice.rtsp("live/gone") + " RTSP/1.0\r\nCSeq: 1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(Wait.until(() -> starts.get() == 1, Duration.ofSeconds(5))).isTrue();
            } // the client leaves before the stream is there
            assertThat(Wait.until(() -> sluice.server().paths().get("live/gone") != null
                    && "closing".equals(sluice.server().paths().get("live/gone").onDemandState()),
                    Duration.ofSeconds(15))).as("the stream came, with no reader to keep it").isTrue();
            assertThat(sluice.server().paths().sessions().readers("live/gone")).isZero();
            assertThat(Wait.until(() -> stops.get() == 1, CLOSE_AFTER.plusSeconds(5))).isTrue();
            assertThat(starts.get()).isEqualTo(1);
        }
    }

    @Test
    void runOnDemandStartsItsCommandForAReaderAndEndsItCloseAfterTheReaderLeft() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start("""
                paths:
                  "~^cmd/.+$":
                    runOnDemand: timeout 60 ffmpeg -hide_banner -nostdin -loglevel warning -re -f lavfi -i testsrc2=size=320x180:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 -map 0:v -map 1:a -c:v libx264 -profile:v baseline -preset ultrafast -tune zerolatency -g 30 -bf 0 -pix_fmt yuv420p -b:v 500k -c:a aac -b:a 64k -ac 1 -f rtsp -rtsp_transport tcp rtsp://127.0.0.1:$RTSP_PORT/$MTX_PATH
                    runOnDemandCloseAfter: 3s
                """)) {
            assertThat(sluice.server().paths().get("cmd/cam")).isNull();
            try (Peer rtsp = Peer.start("read-rtsp.sh", sluice.rtsp("cmd/cam"), Integer.toString(READ_SECONDS))) {
                rtsp.await(Duration.ofSeconds(READ_SECONDS + 70));
                System.out.println("runOnDemand reader: " + rtsp.result("READ"));
                MediaChecks.assertRead(rtsp, 150, 230);
            }
            // The command (ffmpeg, the path's publisher) is ended closeAfter after the reader left.
            assertThat(Wait.until(() -> sluice.server().paths().get("cmd/cam") == null
                    || !sluice.server().paths().get("cmd/cam").hasPublisher(), CLOSE_AFTER.plusSeconds(15)))
                    .as("runOnDemand's publisher gone").isTrue();
        }
    }
}
