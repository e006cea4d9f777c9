package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import io.sluice.threads.SluiceThreads;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thread ownership (issue #16): while a full server relays one stream — an ffmpeg RTSP publisher, an ffmpeg
 * RTSP reader, and SRT (GStreamer srtsrc), RTMP (nginx-rtmp) and WHIP (GStreamer webrtcbin) forward targets —
 * every thread it started is named {@code sluice-<role>-<n>} by {@link SluiceThreads} or is one of the
 * third-party threads {@link ThreadCensus} documents; and at close none of them survives
 * ({@link SluiceUnderTest#close()} fails the test otherwise).
 */
@Timeout(180)
class ThreadOwnershipIT {
    static final int SECONDS = 12;
    /**
     * Threads ice4j starts and names itself for one ICE agent or harvester, with no way to pass it a factory:
     * the single-port harvester's reader (WebrtcServer's UDP port), an agent's connector and its merged
     * socket's reader. Unlike ice4j's static pools (ThreadCensus) they belong to an object Sluice closes, so
     * they must still end at close, which SluiceUnderTest checks.
     */
    static final List<String> ICE4J_PER_SESSION = List.of("org.ice4j.", "IceConnector@",
            "MergingDatagramSocket reader thread");

    @Test
    void everyThreadTheServerStartsIsNamedAndEndsAtClose() throws Exception {
        int srt = Ports.udp();
        int rtmp = Ports.tcp();
        int whip = Ports.tcp();
        String yaml = "paths:\n  live/threads:\n    forwardTargets:\n"
                + WebrtcForwardIT.target("srt", "srt://127.0.0.1:" + srt + "?streamid=publish:out/srt")
                + WebrtcForwardIT.target("rtmp", "rtmp://127.0.0.1:" + rtmp + "/live/remote")
                + WebrtcForwardIT.target("whip", "whip://127.0.0.1:" + whip + "/remote/whip");
        Set<Long> before = ThreadCensus.ids();
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sinkSrt = Peer.start("sink-srt.sh", Integer.toString(srt), Integer.toString(SECONDS + 10));
                Peer sinkRtmp = Peer.start("sink-rtmp.sh", Integer.toString(rtmp), Integer.toString(SECONDS + 10));
                Peer sinkWhip = Peer.start("sink-whip.sh", Integer.toString(whip), Integer.toString(SECONDS + 10))) {
            assertThat(Ports.awaitUdpBound(srt, Duration.ofSeconds(15))).as(sinkSrt.output()).isTrue();
            assertThat(Ports.awaitListening(rtmp, Duration.ofSeconds(15))).as(sinkRtmp.output()).isTrue();
            assertThat(Ports.awaitListening(whip, Duration.ofSeconds(15))).as(sinkWhip.output()).isTrue();
            List<ThreadCensus.Seen> running;
            List<DestStats> during;
            try (Peer pub = FfmpegPeer.publishH264(sluice.rtsp("live/threads"), SECONDS, false)) {
                Thread.sleep(5000);
                try (Peer reader = FfmpegPeer.read(sluice.rtsp("live/threads"), 4)) {
                    Thread.sleep(2500);
                    during = sluice.server().paths().get("live/threads").forwardStats();
                    // every thread started since the server did, but the JDK's, the test's and the documented
                    // third-party ones (ThreadCensus.NOT_THE_SERVERS), at once (no waiting)
                    running = ThreadCensus.survivors(before, Duration.ZERO);
                    reader.await(Duration.ofSeconds(60));
                    MediaChecks.assertRead(reader, 60, 80);
                }
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            }
            assertThat(during).as(during.toString()).extracting(DestStats::state)
                    .containsOnly(DestState.FORWARDING).hasSize(3);
            assertThat(running).as("threads that do not follow sluice-<role>-<n>: %s", running)
                    .filteredOn(t -> ICE4J_PER_SESSION.stream().noneMatch(t.name()::startsWith))
                    .allSatisfy(t -> assertThat(t.name()).matches(SluiceThreads.NAME));
            List<String> names = running.stream().map(ThreadCensus.Seen::name).toList();
            // the kinds this relay must have started: a check that the census sees them at all
            for (String role : List.of("sluice-loop-", "sluice-fwd-live_threads-",
                    "sluice-srt-", "sluice-webrtc-")) {
                assertThat(names).as(names.toString()).anyMatch(n -> n.startsWith(role));
            }
        }
    }
}
