package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader's SETUP that comes without a DESCRIBE (some clients and mediamtx-to-mediamtx proxies send it with the
 * track URL they know) on a path that brings its stream on demand: it waits for the stream as a DESCRIBE does,
 * as mediamtx's does, and then plays (the stream being an ffmpeg that runOnDemand starts, which is given the
 * SETUP URL's query as MTX_QUERY); one whose stream never comes gets 503 after the start timeout, with the
 * request pipelined behind it answered after it; on a path without stream and without on-demand it is 404,
 * as before and as in mediamtx.
 */
@Timeout(120)
class RtspSetupOnDemandIT {
    private static final String FFMPEG = "timeout 60 ffmpeg -hide_banner -nostdin -loglevel warning -re -f lavfi "
            + "-i testsrc2=size=320x180:rate=30 -c:v libx264 -profile:v baseline -preset ultrafast -tune zerolatency "
            + "-g 30 -bf 0 -pix_fmt yuv420p -b:v 500k -f rtsp -rtsp_transport tcp rtsp://127.0.0.1:$RTSP_PORT/$MTX_PATH";
    private static final String TCP = "Transport: RTP/AVP/TCP;unicast;interleaved=0-1";

    @TempDir
    Path dir;

    @Test
    void aSetupWithoutDescribeWaitsForTheOnDemandStreamAndPlaysIt() throws Exception {
        Path query = dir.resolve("query");
        String yaml = """
                paths:
                  "~^cmd/.+$":
                    runOnDemand: sh -c 'printf %%s "$MTX_QUERY" > %s; exec %s'
                    runOnDemandCloseAfter: 15s
                """.formatted(query, FFMPEG);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                RawRtsp raw = new RawRtsp(sluice.rtspPort, 20_000)) {
            long t0 = System.nanoTime();
            RawRtsp.Response setup = raw.request("SETUP", sluice.rtsp("cmd/cam") + "/trackID=0?token=t0k&cam=7", 1,
                    null, TCP);
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("SETUP without DESCRIBE answered after " + waitedMs + " ms: " + setup.status());
            assertThat(setup.status()).as(setup.body()).isEqualTo(200);
            assertThat(setup.all("CSeq")).containsExactly("1");
            assertThat(setup.all("Transport")).singleElement().asString().contains("interleaved=0-1");
            String session = setup.all("Session").getFirst().split(";")[0];
            assertThat(Files.readString(query)).as("runOnDemand's MTX_QUERY").isEqualTo("token=t0k&cam=7");

            // The reader's session counts from its PLAY: until then the stream stays closeAfter (15 s, generous for
            // a loaded machine; a first run with 2 s lost the stream when the PLAY came 2.2 s after the SETUP).
            RawRtsp.Response play = raw.request("PLAY", sluice.rtsp("cmd/cam") + "/", 2, null, "Session: " + session);
            assertThat(play.status()).as(play.body()).isEqualTo(200);
            int rtp = 0;
            int gaps = 0;
            int lastSeq = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (rtp < 60 && System.nanoTime() < deadline) {
                RawRtsp.Frame f = raw.frame();
                if (f.channel() == 0) {
                    byte[] p = f.payload();
                    assertThat(p[0] & 0xC0).as("RTP version 2").isEqualTo(0x80);
                    int seq = ((p[2] & 0xff) << 8) | (p[3] & 0xff);
                    if (lastSeq >= 0 && seq != ((lastSeq + 1) & 0xffff)) {
                        gaps++;
                    }
                    lastSeq = seq;
                    rtp++;
                }
            }
            System.out.println("RTP packets on channel 0 after PLAY: " + rtp + ", sequence gaps " + gaps);
            assertThat(rtp).as("RTP packets of the on-demand stream").isGreaterThanOrEqualTo(60);
            // interleaved TCP from the first packet on: every packet, in sequence
            assertThat(gaps).as("RTP sequence gaps").isZero();
        }
    }

    @Test
    void aSetupWithoutDescribeOfAStreamThatNeverComesGets503AndOfAPathWithoutStream404() throws Exception {
        String yaml = """
                paths:
                  "~^dead/.+$":
                    runOnDemand: sleep 30
                    runOnDemandStartTimeout: 2s
                  plain: {}
                """;
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml); RawRtsp raw = new RawRtsp(sluice.rtspPort, 10_000)) {
            String url = sluice.rtsp("dead/cam") + "/trackID=0";
            long t0 = System.nanoTime();
            // SETUP and OPTIONS pipelined in one write: the OPTIONS answer must wait for the SETUP's.
            raw.send(("SETUP " + url + " RTSP/1.0\r\nCSeq: 1\r\n" + TCP + "\r\n\r\n"
                    + "OPTIONS " + url + " RTSP/1.0\r\nCSeq: 2\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            RawRtsp.Response setup = raw.response();
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            RawRtsp.Response options = raw.response();
            System.out.println("SETUP of a stream that never comes: " + setup.status() + " after " + waitedMs + " ms");
            assertThat(setup.status()).as(setup.body()).isEqualTo(503);
            assertThat(setup.all("CSeq")).containsExactly("1");
            assertThat(setup.all("Session")).as("no session was made").isEmpty();
            assertThat(setup.body()).contains("dead/cam").contains("did not come up within 2s");
            assertThat(waitedMs).isGreaterThanOrEqualTo(1900).isLessThan(6000);
            assertThat(options.status()).isEqualTo(200);
            assertThat(options.all("CSeq")).containsExactly("2");

            RawRtsp.Response plain = raw.request("SETUP", sluice.rtsp("plain") + "/trackID=0", 3, null, TCP);
            assertThat(plain.status()).as(plain.body()).isEqualTo(404);
            assertThat(plain.body()).contains("plain");
            assertThat(raw.request("OPTIONS", sluice.rtsp("plain"), 4, null).status()).isEqualTo(200);
        }
    }
}
