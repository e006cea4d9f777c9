package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

/**
 * MediaChecks holds the assertions the integration tests make on what a third-party peer got: the codecs
 * and the frames that arrived against those sent.
 *
 * <p>On a clean loopback link Sluice promises to lose nothing, so a receiver must get {@link #LOSSLESS_SHARE}
 * of the frames; the only allowance is at the stream's first and last second ({@link #EDGE_SECONDS} each,
 * computed from the publish duration and frame rate): a peer's demuxer holds back the last frames it cannot
 * yet tell complete when the stream ends (GstRtspServer's parsebin, measured without Sluice: 2 of 150 video and
 * 3 of 234 audio frames), and a forwarder may start on the first keyframe. A frame that lost packets
 * still decodes and counts, so tests that can see RTP also check sequence numbers ({@link RtpCapture}).
 */
final class MediaChecks {
    static final int FPS = 30;
    /** AAC at 48 kHz: 1024 samples per frame. */
    static final double AAC_FPS = 48000 / 1024.0;
    /** The share of frames (after the edges) a receiver must get where nothing may be lost. */
    static final double LOSSLESS_SHARE = 0.99;
    /** Seconds at the start and at the end of a stream that a receiver may miss (at most a second, by design). */
    static final double EDGE_SECONDS = 0.5;

    private MediaChecks() {
    }

    /**
     * The least frames a receiver must get of {@code frames} sent at {@code fps}: 99 % of them after leaving
     * out {@link #EDGE_SECONDS} at each end.
     */
    static int lossless(double frames, double fps) {
        return (int) Math.floor(LOSSLESS_SHARE * Math.max(0, frames - 2 * EDGE_SECONDS * fps));
    }

    /**
     * A reader's READ line: H264 + AAC, and all frames of the {@code seconds} it read (a reader joins mid-stream
     * at a keyframe and ffmpeg probes before it copies: its edges are the GOP and the probe, given by the caller).
     */
    static void assertRead(Peer reader, int minVideo, int minAudio) {
        Map<String, String> r = reader.result("READ");
        assertThat(r.get("video")).as(reader.output()).isEqualTo("h264");
        assertThat(r.get("audio")).as(reader.output()).isEqualTo("aac");
        assertThat(Integer.parseInt(r.get("frames"))).as(reader.output()).isGreaterThan(minVideo);
        assertThat(Integer.parseInt(r.get("frames.2"))).as("audio: " + reader.output()).isGreaterThan(minAudio);
    }

    /** Waits for a sink and checks its RECEIVED line: H264 + AAC, {@link #lossless} of {@code seconds} of frames. */
    static Map<String, String> assertReceived(Peer sink, int seconds) throws InterruptedException {
        return assertReceived(sink, seconds * FPS, seconds * AAC_FPS);
    }

    /**
     * Waits for a sink and checks its RECEIVED line: H264 + AAC, {@link #lossless} of {@code videoSent} video
     * frames (at {@link #FPS}) and of {@code audioSent} audio frames (at {@link #AAC_FPS}).
     */
    static Map<String, String> assertReceived(Peer sink, double videoSent, double audioSent)
            throws InterruptedException {
        sink.await(Duration.ofSeconds(90));
        Map<String, String> r = sink.result("RECEIVED");
        // in the test log, so a run shows how close each path came to what was sent
        System.out.printf("RECEIVED %s: video %s of %.0f sent, audio %s of %.0f sent%n",
                r.get("video"), r.get("frames"), videoSent, r.get("frames.2"), audioSent);
        assertThat(r.get("video")).as(sink.output()).isEqualTo("h264");
        assertThat(r.get("audio")).as(sink.output()).isEqualTo("aac");
        assertThat(Integer.parseInt(r.get("frames"))).as("video frames of %.0f sent: %s", videoSent, sink.output())
                .isGreaterThanOrEqualTo(lossless(videoSent, FPS));
        assertThat(Integer.parseInt(r.get("frames.2"))).as("audio frames of %.0f sent: %s", audioSent, sink.output())
                .isGreaterThanOrEqualTo(lossless(audioSent, AAC_FPS));
        return r;
    }

    /**
     * Checks a sink that received the {@link CameraClip} from {@code publisher}: every video frame the
     * publisher reported sending (but the edges), and the audio of as long.
     */
    static Map<String, String> assertReceivedCamera(Peer sink, Peer publisher) throws InterruptedException {
        int sent = CameraClip.sentFrames(publisher);
        assertThat(sent).as(publisher.output()).isGreaterThan(0);
        return assertReceived(sink, sent, sent / (double) CameraClip.FPS * AAC_FPS);
    }

    /**
     * Checks an {@link RtspRecordServer} that got one forwarded session: audio and video channels, not one RTP
     * sequence gap on either, and on the video channel (the first) a marker bit for at least
     * {@link #lossless} of {@code videoSent} frames.
     */
    static void assertNoRtpGaps(RtspRecordServer sink, double videoSent) {
        var sessions = sink.sessions();
        System.out.println("RTP sink: " + sink.describe() + " (video frames sent: " + videoSent + ")");
        assertThat(sessions).as(sink.describe()).hasSize(1);
        var channels = sessions.getFirst().counts();
        assertThat(channels).as(sink.describe()).hasSize(2);
        assertThat(channels.values()).as(sink.describe()).allSatisfy(c -> {
            assertThat(c.packets()).isPositive();
            assertThat(c.gaps()).as("RTP sequence gaps").isZero();
        });
        assertThat(channels.values().iterator().next().markers()).as("video frames (marker bits): " + sink.describe())
                .isGreaterThanOrEqualTo(lossless(videoSent, FPS));
    }
}
