package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A WHIP target's link stats and slow-link reaction, against GStreamer webrtcbin (sink-whip.sh) behind a
 * userspace impairment relay ({@link ImpairedWhipProxy}), with an nginx-rtmp target on the same path.
 *
 * <p>An ffmpeg RTSP publisher (H264 1 Mbit/s, GOP 1 s, Opus) runs up to {@value #SECONDS} s: a clean link
 * first (the stats show the RTT, no loss, an estimate near the stream's rate), then {@value #DROP_PERCENT} %
 * of the RTP/RTCP towards the sink dropped (loss climbs, the target goes keyframe-only and counts its drops),
 * then clean again (it goes back to full frames). Meanwhile the RTMP target must get every frame and the
 * publisher must not be slowed. webrtcbin 1.22 answers without the transport-wide extension, so the figures
 * come from its receiver reports (every 5 to 7.5 s): each phase waits for what it checks, within a bound,
 * rather than for a fixed time. Tagged solo: it reads a send rate and waits on a timed hysteresis.
 */
@Tag("solo")
@Timeout(300)
class WhipLinkIT {
    /** The publish: a bound for the three phases on a loaded machine (~45 s of it used on a loaded 2-core box). */
    static final int SECONDS = 80;
    /** The sinks start before Sluice and the publisher, and must outlive the publish. */
    static final int SINK_SECONDS = SECONDS + 45;
    static final double DROP_PERCENT = 30;
    /** Receiver reports come every 5-7.5 s: a figure of the remote's may take two of them to show. */
    static final Duration REPORT_WAIT = Duration.ofSeconds(30);

    @Test
    void whipTargetReportsItsLinkAndGoesKeyframeOnlyOnASlowLink() throws Exception {
        int sinkPort = Ports.tcp();
        int rtmp = Ports.tcp();
        try (Peer sink = Peer.start("sink-whip.sh", Integer.toString(sinkPort), Integer.toString(SINK_SECONDS));
                Peer sinkRtmp = Peer.start("sink-rtmp.sh", Integer.toString(rtmp), Integer.toString(SINK_SECONDS));
                ImpairedWhipProxy proxy = new ImpairedWhipProxy(sinkPort)) {
            String yaml = "paths:\n  live/cam:\n    forwardTargets:\n"
                    + WebrtcForwardIT.target("whip", "whip://127.0.0.1:" + proxy.port() + "/remote/whip")
                    + WebrtcForwardIT.target("rtmp", "rtmp://127.0.0.1:" + rtmp + "/live/remote");
            assertThat(Ports.awaitListening(sinkPort, Duration.ofSeconds(15))).as(sink.output()).isTrue();
            assertThat(Ports.awaitListening(rtmp, Duration.ofSeconds(15))).as(sinkRtmp.output()).isTrue();
            try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml)) {
                DestStats clean;
                DestStats impaired;
                DestStats recovered;
                int sent;
                long started = System.nanoTime();
                long forwarding;
                long impairedNanos;
                long publishNanos;
                try (Peer pub = Peer.start("publish-rtsp.sh", Map.of("AUDIO", "opus", "GOP", "30", "VBITRATE", "1M"),
                        sluice.rtsp("live/cam"), Integer.toString(SECONDS))) {
                    assertThat(Wait.until(() -> whip(sluice).state() == DestState.FORWARDING, REPORT_WAIT))
                            .as(sink.output()).isTrue();
                    forwarding = System.nanoTime();
                    assertThat(Wait.until(() -> figure(sluice, "rttMs") > 0, REPORT_WAIT)).as(whip(sluice).toString())
                            .isTrue();
                    Thread.sleep(2000); // a send rate over whole ticks
                    clean = whip(sluice);
                    System.out.println("LINK clean: " + clean);
                    assertThat(proxy.relays()).as("the sink's answer went through the proxy").isNotEmpty();

                    long impairedFrom = System.nanoTime();
                    proxy.dropPercent(DROP_PERCENT);
                    assertThat(Wait.until(() -> figure(sluice, "keyframeOnly") == 1, REPORT_WAIT))
                            .as(whip(sluice).toString()).isTrue();
                    Thread.sleep(3000); // drops to count
                    impaired = whip(sluice);
                    System.out.println("LINK impaired: " + impaired);
                    proxy.dropPercent(0);
                    impairedNanos = System.nanoTime() - impairedFrom;

                    assertThat(Wait.until(() -> figure(sluice, "keyframeOnly") == 0, REPORT_WAIT.multipliedBy(2)))
                            .as(whip(sluice).toString()).isTrue();
                    recovered = whip(sluice);
                    System.out.println("LINK recovered after " + (System.nanoTime() - impairedFrom) / 1_000_000
                            + " ms: " + recovered);
                    pub.await(Duration.ofSeconds(SECONDS + 30));
                    publishNanos = System.nanoTime() - started;
                    sent = Integer.parseInt(pub.result("PUBLISHED").get("video_frames"));
                }
                System.out.printf("RELAY forwarded %d dropped %d%n", proxy.relays().getFirst().forwarded.get(),
                        proxy.relays().getFirst().dropped.get());

                // clean: figures from the remote's receiver reports
                Map<String, Number> c = clean.link();
                assertThat(c.get("lossPercent").doubleValue()).as(c.toString()).isBetween(0.0, 1.0);
                long sendKbps = c.get("sendKbps").longValue();
                assertThat(sendKbps).as(c.toString()).isBetween(600L, 2500L);
                assertThat(c.get("estimateKbps").longValue()).as("estimate near the stream's rate: " + c)
                        .isBetween(sendKbps * 8 / 10, sendKbps * 2);
                assertThat(c.get("keyframeOnlyEntries").longValue()).as(c.toString()).isZero();
                assertThat(clean.dropped()).as(clean.toString()).isZero();

                // impaired: loss seen, keyframe-only for a cause, drops counted in the target's dropped
                Map<String, Number> i = impaired.link();
                assertThat(i.get("lossPercent").doubleValue()).as(i.toString()).isGreaterThan(10.0);
                assertThat(i.get("slowLinkCause").intValue()).as(i.toString()).isPositive();
                assertThat(i.get("keyframeOnlyDroppedFrames").longValue()).as(i.toString()).isGreaterThan(30);
                assertThat(i.get("sendKbps").longValue()).as("keyframes only: " + i).isLessThan(sendKbps * 6 / 10);
                assertThat(impaired.dropped()).as(impaired.toString())
                        .isGreaterThanOrEqualTo(i.get("keyframeOnlyDrops").longValue()).isPositive();
                assertThat(impaired.state()).as(impaired.toString()).isEqualTo(DestState.FORWARDING);

                // clean again: back to full frames, same session
                Map<String, Number> r = recovered.link();
                assertThat(r.get("keyframeOnlyEntries").longValue()).as(r.toString()).isGreaterThanOrEqualTo(1);
                assertThat(recovered.reconnects()).as(recovered.toString()).isZero();

                // the publisher was not slowed: it sent its frames at its own pace
                assertThat(sent).as("frames published").isGreaterThanOrEqualTo((int) (0.97 * SECONDS * MediaChecks.FPS));
                assertThat(publishNanos).as("publish wall time").isLessThan(Duration.ofSeconds(SECONDS + 8).toNanos());

                // the other target lost nothing
                sinkRtmp.await(Duration.ofSeconds(SINK_SECONDS));
                Map<String, String> m = sinkRtmp.result("RECEIVED");
                System.out.printf("RECEIVED rtmp: %s of %d sent%n", m.get("frames"), sent);
                assertThat(Integer.parseInt(m.get("frames"))).as(sinkRtmp.output())
                        .isGreaterThanOrEqualTo(MediaChecks.lossless(sent, MediaChecks.FPS));

                // the WHIP sink: audio kept going through the keyframe-only phase, video decoded around it
                sink.await(Duration.ofSeconds(SINK_SECONDS));
                Map<String, String> w = sink.result("RECEIVED");
                System.out.printf("RECEIVED whip: %s%n", w);
                assertThat(w.get("audio")).as(sink.output()).containsIgnoringCase("opus");
                // Opus at 50 packets/s from the target's start, less what the relay dropped while impaired
                double forwardedSeconds = (started + publishNanos - forwarding) / 1e9;
                double audioExpected = 50 * (forwardedSeconds - impairedNanos / 1e9 * DROP_PERCENT / 100);
                assertThat(Integer.parseInt(w.get("frames.2"))).as(sink.output())
                        .isGreaterThanOrEqualTo((int) (0.9 * audioExpected));
                double fullSeconds = forwardedSeconds - impairedNanos / 1e9 - REPORT_WAIT.toSeconds();
                assertThat(Integer.parseInt(w.get("frames"))).as(sink.output())
                        .isGreaterThan((int) (fullSeconds * MediaChecks.FPS));
            }
        }
    }

    private static DestStats whip(SluiceUnderTest sluice) {
        return sluice.server().paths().get("live/cam").forwardStats().stream()
                .filter(d -> d.id().equals("whip")).findFirst().orElseThrow();
    }

    private static double figure(SluiceUnderTest sluice, String name) {
        Number n = whip(sluice).link().get(name);
        return n == null ? -1 : n.doubleValue();
    }
}
