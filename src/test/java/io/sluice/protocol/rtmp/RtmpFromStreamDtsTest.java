package io.sluice.protocol.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.sluice.protocol.rtp.Captures;
import io.sluice.protocol.rtp.Depacketizer;
import io.sluice.protocol.rtp.KeyframeDetector;
import io.sluice.protocol.rtp.Pcap;
import io.sluice.stream.Codec;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FLV from an RTP source with B-frames (real captures, through a {@link Stream} as in the server): a
 * reader from the start and one that joins at the cached keyframe both get video messages whose
 * timestamps (DTS) strictly increase from the first one, never negative, with composition times that
 * keep PTS ≥ DTS and put the frames back in output order.
 */
class RtmpFromStreamDtsTest {
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

    /** {dts, pts} of each coded video frame an RTMP reader got. */
    static List<long[]> frames(List<RtmpMessage> messages) throws RtmpProtocolException {
        List<long[]> out = new ArrayList<>();
        for (RtmpMessage m : messages) {
            if (m.typeId() == RtmpMessageType.VIDEO) {
                FlvVideoTag t = FlvVideoTag.parse(m.payload());
                if (t.type() == PacketType.CODED_FRAMES) {
                    out.add(new long[] {m.timestamp(), m.timestamp() + t.compositionTimeMs()});
                }
            }
            m.payload().release();
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffmpeg51-h264-high-bf2-udp", "ffmpeg51-h264-high-bf3-pyramid-udp",
        "gstreamer122-h264-bf2-udp"})
    void videoTimestampsAreDecodingTimesThatIncreaseFromTheFirstFrame(String capture) throws Exception {
        StreamDesc desc = new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "trackID=0",
                List.of(Captures.format(capture, Codec.H264)))));
        Stream stream = new Stream(desc, i -> KeyframeDetector.forCodec(Codec.H264)::isKeyframePacket,
                i -> Depacketizer.forFormat(desc.medias().get(i).format()));
        List<RtmpMessage> early = new ArrayList<>();
        List<RtmpMessage> late = new ArrayList<>();
        RtmpFromStream first = new RtmpFromStream(desc, 1);
        RtmpFromStream joining = new RtmpFromStream(desc, 1);
        stream.addReader(u -> first.onUnit(u, ALLOC, early::add), true, true);
        List<Pcap.Datagram> packets = Captures.rtpDatagrams(capture);
        for (int i = 0; i < packets.size(); i++) {
            Pcap.Datagram d = packets.get(i);
            if (i == packets.size() * 3 / 4) {
                // joins in the second GOP: starts at its cached keyframe, a few frames into the reordering
                stream.addReader(u -> joining.onUnit(u, ALLOC, late::add), true, true);
            }
            stream.write(0, Unpooled.wrappedBuffer(d.payload()), d.timeMicros() * 1000);
        }
        stream.close();
        List<long[]> a = frames(early);
        List<long[]> b = frames(late);
        assertThat(a).hasSize(90);
        assertThat(b).hasSizeBetween(30, 60);
        for (List<long[]> f : List.of(a, b)) {
            int reordered = 0;
            assertThat(f.getFirst()[0]).as("first DTS").isGreaterThanOrEqualTo(RtmpFromStream.VIDEO_TIME_BASE_MS - 200);
            for (int i = 0; i < f.size(); i++) {
                assertThat(f.get(i)[1]).as("PTS >= DTS at %d", i).isGreaterThanOrEqualTo(f.get(i)[0]);
                if (i > 0) {
                    assertThat(f.get(i)[0]).as("DTS increases at %d", i).isGreaterThan(f.get(i - 1)[0]);
                    reordered += f.get(i)[1] < f.get(i - 1)[1] ? 1 : 0;
                }
            }
            assertThat(reordered).as("B-frames shown before the frame decoded ahead of them").isGreaterThan(f.size() / 6);
        }
        // the joining reader's first frame is a keyframe decoded a few frames before it is shown
        assertThat(b.getFirst()[1] - b.getFirst()[0]).isPositive();
    }
}
