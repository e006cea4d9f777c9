package io.sluice.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** QualityMeter: bitrate and frame rate over its window, from packets with chosen arrival times. */
class QualityMeterTest {
    static final long MS = 1_000_000L;
    /** Payload bytes per packet; the meter leaves the 12-byte RTP header out. */
    static final int PAYLOAD = 1000;

    private final QualityMeter meter = new QualityMeter(0, 90_000);

    private static ByteBuf packet(long ts) {
        ByteBuf b = Unpooled.buffer(12 + PAYLOAD);
        b.writeByte(0x80).writeByte(96).writeShort(0).writeInt((int) ts).writeInt(0x1234);
        b.writeZero(PAYLOAD);
        return b;
    }

    /**
     * Feeds {@code seconds} of video at {@code fps} frames a second, {@code packetsPerFrame} packets each,
     * arriving at the frames' media times from {@code startMs}; returns the time after the last one.
     */
    private long feed(long startMs, double seconds, int fps, int packetsPerFrame, long firstTs) {
        int frames = (int) Math.round(seconds * fps);
        for (int f = 0; f < frames; f++) {
            long at = (startMs + f * 1000L / fps) * MS;
            for (int p = 0; p < packetsPerFrame; p++) {
                ByteBuf b = packet(firstTs + f * (90_000L / fps));
                meter.onPacket(0, b, at);
                b.release();
            }
        }
        return startMs + frames * 1000L / fps;
    }

    @Test
    void unknownBeforeASecondThenTheRateOfTheWindow() {
        assertThat(meter.figures(0)).isEqualTo(QualityFigures.UNKNOWN);
        long end = feed(0, 0.5, 30, 2, 0);
        assertThat(meter.figures(end * MS).bitrateKbps()).isEqualTo(-1);
        end = feed(end, 9.5, 30, 2, 45_000);
        // 30 frames x 2 packets x 1000 bytes a second = 480 kbit/s; audio-less, so all of it is video
        QualityFigures q = meter.figures(end * MS);
        assertThat(q.bitrateKbps()).isCloseTo(480, within(15.0));
        assertThat(q.fps()).isCloseTo(30, within(0.5));
        assertThat(q.fpsDeclared()).isFalse();
    }

    @Test
    void windowForgetsAnOldBurst() {
        long end = feed(0, 5, 30, 10, 0); // 2400 kbit/s
        assertThat(meter.figures(end * MS).bitrateKbps()).isCloseTo(2400, within(60.0));
        end = feed(end, 6, 30, 1, 5 * 90_000); // then 240 kbit/s for longer than the window
        assertThat(meter.figures(end * MS).bitrateKbps()).isCloseTo(240, within(25.0));
    }

    @Test
    void frameRateComesFromTimestampsNotArrivalTimes() {
        // 3 s of 25 fps media that arrives in a burst at twice real time (an encoder catching up)
        long ts = 0;
        for (int f = 0; f < 75; f++) {
            ByteBuf b = packet(ts + f * 3600L);
            meter.onPacket(0, b, f * 20 * MS);
            b.release();
        }
        assertThat(meter.figures(74 * 20 * MS).fps()).isCloseTo(25, within(0.5));
    }

    @Test
    void aPublisherThatStopsSendingDrainsTheBitrate() {
        long end = feed(0, 5, 30, 2, 0);
        assertThat(meter.figures(end * MS).bitrateKbps()).isGreaterThan(400);
        // nothing for 3 s: the window now holds 2 s of traffic and 3 s of silence
        assertThat(meter.figures((end + 3000) * MS).bitrateKbps()).isCloseTo(480 * 2 / 5.0, within(30.0));
        assertThat(meter.figures((end + 3000) * MS).fps()).isLessThan(15);
    }

    @Test
    void declaredFrameRateAndSizeComeFromTheSps() {
        meter.videoParams(new QualityMeter.VideoParams(1280, 720, 25));
        long end = feed(0, 2, 30, 1, 0);
        QualityFigures q = meter.figures(end * MS);
        assertThat(q.width()).isEqualTo(1280);
        assertThat(q.height()).isEqualTo(720);
        assertThat(q.fps()).isEqualTo(25);
        assertThat(q.fpsDeclared()).isTrue();
    }

    @Test
    void probeSeesVideoPacketsAndItsAnswerWins() {
        QualityMeter.VideoParams p = new QualityMeter.VideoParams(640, 360, 0);
        int[] calls = {0};
        meter.watch(b -> ++calls[0] == 3 ? p : null);
        feed(0, 0.2, 30, 1, 0);
        ByteBuf audio = packet(0);
        meter.onPacket(1, audio, 300 * MS); // not the video media: not probed
        audio.release();
        assertThat(calls[0]).isEqualTo(6);
        assertThat(meter.figures(300 * MS).height()).isEqualTo(360);
    }

    @Test
    void streamFeedsItsMeter() {
        Stream s = new Stream(TestPackets.videoAudio(), i -> i == 0 ? TestPackets.h264Test() : null);
        for (int i = 0; i < 60; i++) {
            s.write(0, TestPackets.rtp(96, i, i * 3000L, i % 30 == 0 ? 0x65 : 0x41), i * 33 * MS);
        }
        QualityFigures q = s.quality().figures(59 * 33 * MS);
        assertThat(q.fps()).isCloseTo(30, within(0.5));
        assertThat(q.bitrateKbps()).isCloseTo(4 * 8 * 30 / 1000.0, within(0.1)); // 4 payload bytes a frame
        s.close();
    }
}
