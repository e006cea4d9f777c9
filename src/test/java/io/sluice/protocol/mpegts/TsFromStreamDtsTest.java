package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.rtp.RtpHeader;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MPEG-TS from RTP sources with B-frames (real captures with AAC audio, through a {@link Stream}): the
 * video PES carry a DTS that strictly increases from the first one and never passes the PTS, and the
 * PCR never passes any DTS (the independent reader's timing check), for a reader from the start and
 * one that joins at the cached keyframe.
 */
class TsFromStreamDtsTest {
    static final String AAC = "ffmpeg51-aac-mpeg4generic-udp";

    static void assertVideoTiming(TsTestReader.Result r, int minFrames) {
        List<TsTestReader.Pes> video = r.pes(0x100);
        assertThat(video).hasSizeGreaterThanOrEqualTo(minFrames);
        assertThat(video.getFirst().randomAccess()).isTrue();
        int reordered = 0;
        for (int i = 1; i < video.size(); i++) {
            assertThat(video.get(i).dts()).as("DTS increases at %d", i).isGreaterThan(video.get(i - 1).dts());
            reordered += video.get(i).pts() < video.get(i - 1).pts() ? 1 : 0;
        }
        assertThat(reordered).as("B-frames in decoding order").isGreaterThan(video.size() / 6);
    }

    /**
     * The video capture (3 s) with as much AAC (a 2 s capture, played twice) as there is video: a media
     * that stops early goes stale and the PCR then rightly passes its last DTS, which the check flags.
     */
    static List<CaptureFeed.Packet> packets(String capture, Codec codec) {
        // arrival times re-made from the RTP timestamps (decoding order, so B-frames arrive with the
        // P-frame before them): x264's look-ahead made ffmpeg send the first second in a burst, which
        // would put the video a second ahead of the audio, and the audio would go stale
        List<CaptureFeed.Packet> video = new ArrayList<>();
        long first = RtpHeader.timestamp(Unpooled.wrappedBuffer(CaptureFeed.load(capture, codec, 0, 1).getFirst().rtp()));
        long maxTs = 0;
        for (CaptureFeed.Packet p : CaptureFeed.load(capture, codec, 0, 1)) {
            maxTs = Math.max(maxTs, (int) (RtpHeader.timestamp(Unpooled.wrappedBuffer(p.rtp())) - first));
            video.add(new CaptureFeed.Packet(0, p.rtp(), maxTs * 1_000_000_000L / 90_000));
        }
        long end = video.getLast().nanos();
        List<CaptureFeed.Packet> audio = CaptureFeed.load(AAC, Codec.MPEG4_AUDIO, 1, 2).stream()
                .filter(p -> p.nanos() <= end).toList();
        return CaptureFeed.merge(video, audio);
    }

    @ParameterizedTest
    @CsvSource({"ffmpeg51-h264-high-bf2-udp, H264", "ffmpeg51-h264-high-bf3-pyramid-udp, H264",
        "gstreamer122-h264-bf2-udp, H264", "ffmpeg51-h265-bf4-udp, H265"})
    void readerFromTheStart(String capture, Codec codec) {
        Format video = CaptureFeed.format(capture, codec);
        Format audio = CaptureFeed.format(AAC, Codec.MPEG4_AUDIO);
        StreamDesc desc = CaptureFeed.desc(video, audio);
        List<CaptureFeed.Packet> packets = packets(capture, codec);
        TsTestReader.Result r = TsTestReader.read(TsFromStreamTest.mux(desc, packets)).checkTiming();
        assertVideoTiming(r, 85);
    }

    @ParameterizedTest
    @CsvSource({"ffmpeg51-h264-high-bf3-pyramid-udp, H264", "gstreamer122-h264-bf2-udp, H264"})
    void readerJoiningAtTheCachedKeyframe(String capture, Codec codec) {
        Format video = CaptureFeed.format(capture, codec);
        Format audio = CaptureFeed.format(AAC, Codec.MPEG4_AUDIO);
        StreamDesc desc = CaptureFeed.desc(video, audio);
        List<CaptureFeed.Packet> packets = packets(capture, codec);
        Stream stream = CaptureFeed.stream(desc);
        int cut = packets.size() * 3 / 4;
        CaptureFeed.play(stream, packets.subList(0, cut), TsFromStreamTest.START);
        TsFromStream mapper = new TsFromStream(desc);
        ByteBuf out = Unpooled.buffer();
        stream.addReader(u -> mapper.onUnit(u, out), true, true);
        CaptureFeed.play(stream, packets.subList(cut, packets.size()), TsFromStreamTest.START);
        stream.close();
        TsTestReader.Result r = TsTestReader.read(ByteBufUtil.getBytes(out)).checkTiming();
        out.release();
        assertVideoTiming(r, 25);
    }
}
