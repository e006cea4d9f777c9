package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Active ICE-TCP (RFC 6544) for a WHIP target: the remote is GStreamer's webrtcbin (libnice) with UDP off, so its
 * answer offers only tcp candidates, as a WHIP server behind a UDP-blocking network. Sluice must connect to the
 * passive one and carry ICE, DTLS and SRTP over that connection.
 */
@Timeout(240)
class WhipTargetIceTcpIT {
    static final int SECONDS = 12;

    @Test
    void cameraToTcpOnlyWhipTargetLosesNothing() throws Exception {
        CameraClip.file();
        int sinkPort = Ports.tcp();
        String yaml = "paths:\n  live/cam:\n    forwardTargets:\n"
                + WebrtcForwardIT.target("w", "whip://127.0.0.1:" + sinkPort + "/remote/whip");
        try (LogCapture logs = new LogCapture();
                SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sink = Peer.resource("sink-whip-tcp.py", Peer.peersDir().resolve("sink-whip.sh").toString(),
                        Integer.toString(sinkPort), Integer.toString(SECONDS + 14))) {
            assertThat(Ports.awaitListening(sinkPort, Duration.ofSeconds(15))).as(sink.output()).isTrue();
            // the sink's first webrtcbin session is slow to answer (2-6 s on a busy machine, a GOP is 4 s): a
            // throwaway offer warms it up. Its answer shows that the remote offers TCP only.
            String answer = warmUp(sinkPort);
            assertThat(answer).as(sink.output()).contains("tcptype passive").doesNotContainIgnoringCase(" udp ");
            DestStats during;
            DestStats end;
            double joinSeconds;
            int sent;
            long t0 = System.nanoTime();
            try (Peer pub = CameraClip.publishRtsp(sluice.rtsp("live/cam"), SECONDS)) {
                Wait.until(() -> target(sluice).state() == DestState.FORWARDING, Duration.ofSeconds(15));
                joinSeconds = (System.nanoTime() - t0) / 1e9; // from before the publisher started: at most later
                during = target(sluice);
                pub.await(Duration.ofSeconds(SECONDS + 30));
                sent = CameraClip.sentFrames(pub);
                // the publisher has left; within publisherGrace the target is still up and has sent everything
                end = target(sluice);
            }
            assertThat(during.state()).as(during + "\n" + sink.output()).isEqualTo(DestState.FORWARDING);
            // the target's selected pair: "<local> <-> <remote> tcp", to the sink's passive candidate
            List<String> connected = logs.messages(Level.INFO, "connected via");
            assertThat(connected).as(sink.output()).isNotEmpty().allSatisfy(l -> assertThat(l).endsWith(" tcp"));
            sink.await(Duration.ofSeconds(60));
            Map<String, String> r = sink.result("RECEIVED");
            Map<String, String> gaps = sink.result("GAPS");
            long packetsSent = end.link().get("packetsSent").longValue(); // RTP and RTCP (SRTP), on the connection
            // a target that joins after the first GOP starts at the cached keyframe: the GOPs before are not its
            int missed = (int) (joinSeconds / CameraClip.GOP_SECONDS) * CameraClip.GOP_SECONDS * MediaChecks.FPS;
            System.out.printf("RECEIVED whip over ICE-TCP (%s): video %s of %d sent (joined after %.1f s, %d before "
                    + "its keyframe), RTP %s of %d packets sent, gaps %s%n", connected.getFirst(), r.get("frames"),
                    sent, joinSeconds, missed, r.get("video_rtp"), packetsSent, gaps);
            assertThat(r.get("video")).as(sink.output()).containsIgnoringCase("h264");
            assertThat(Long.parseLong(r.get("video_rtp"))).as(sink.output()).isGreaterThanOrEqualTo(packetsSent * 99 / 100);
            assertThat(gaps.get("video")).as(sink.output()).isEqualTo("0");
            assertThat(Integer.parseInt(r.get("frames"))).as(sink.output())
                    .isGreaterThanOrEqualTo(MediaChecks.lossless(sent - missed, MediaChecks.FPS));
        }
    }

    private static DestStats target(SluiceUnderTest sluice) {
        return sluice.server().paths().get("live/cam").forwardStats().getFirst();
    }

    /** POSTs a minimal H264 offer (ICE cannot succeed: no candidate) and returns the answer. */
    private static String warmUp(int port) throws Exception {
        String offer = String.join("\r\n", "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
                "m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0", "a=mid:0", "a=sendonly", "a=rtcp-mux",
                "a=ice-ufrag:warm", "a=ice-pwd:warmupwarmupwarmupwarmup", "a=fingerprint:sha-256 "
                        + "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
                "a=setup:actpass", "a=rtpmap:96 H264/90000",
                "a=fmtp:96 packetization-mode=1;profile-level-id=42e01f", "");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/warm"))
                    .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/sdp")
                    .POST(HttpRequest.BodyPublishers.ofString(offer)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            return r.body();
        }
    }
}
