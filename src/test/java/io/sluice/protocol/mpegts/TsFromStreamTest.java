package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.rtp.Captures;
import io.sluice.protocol.rtp.RtpHeader;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real FFmpeg RTP captures, through a real {@link Stream} (its depacketizers build the access units),
 * into TsFromStream as an SRT reader would use it; the TS is checked by an independent reader.
 */
class TsFromStreamTest {
    static final String H264 = "ffmpeg51-h264-baseline-udp";
    static final String AAC = "ffmpeg51-aac-mpeg4generic-udp";
    static final String H265 = "ffmpeg51-h265-udp";
    static final String OPUS = "ffmpeg51-opus-udp";
    static final long START = 1_000_000_000_000L;

    /** Feeds the packets through a stream into a TsFromStream and returns the TS bytes. */
    static byte[] mux(StreamDesc desc, List<CaptureFeed.Packet> packets) {
        Stream stream = CaptureFeed.stream(desc);
        TsFromStream mapper = new TsFromStream(desc);
        ByteBuf out = Unpooled.buffer();
        stream.addReader(u -> {
            int refs = u.refCnt();
            mapper.onUnit(u, out);
            assertThat(u.refCnt()).as("never retains or releases the unit").isEqualTo(refs);
        }, false, true);
        List<ByteBuf> written = CaptureFeed.play(stream, packets, START);
        stream.close();
        assertThat(written).allSatisfy(b -> assertThat(b.refCnt()).as("every packet released").isZero());
        assertThat(mapper.droppedUnits()).isZero();
        byte[] ts = ByteBufUtil.getBytes(out);
        out.release();
        return ts;
    }

    /** The NAL units of an Annex-B PES payload. */
    static List<byte[]> nalus(byte[] pes) {
        assertThat(pes).startsWith(0, 0, 0, 1);
        return Captures.annexB(pes);
    }

    @Test
    void h264AndAacFromRtpBecomeOnePesPerAccessUnit() {
        Format video = CaptureFeed.format(H264, Codec.H264);
        Format audio = CaptureFeed.format(AAC, Codec.MPEG4_AUDIO);
        List<CaptureFeed.Packet> v = CaptureFeed.load(H264, Codec.H264, 0, 1);
        List<CaptureFeed.Packet> a = CaptureFeed.load(AAC, Codec.MPEG4_AUDIO, 1, 1);
        StreamDesc desc = CaptureFeed.desc(video, audio);
        assertThat(new TsFromStream(desc).tracks()).extracting(TsFromStream.Track::carried).containsExactly(true, true);

        TsTestReader.Result r = TsTestReader.read(mux(desc, CaptureFeed.merge(v, a))).checkTiming();
        assertThat(r.pats()).isNotEmpty().first().isEqualTo(0);
        assertThat(r.streams().get(0x100).streamType()).isEqualTo(0x1B);
        assertThat(r.streams().get(0x101).streamType()).isEqualTo(0x0F);
        assertThat(r.pcrPid()).isEqualTo(0x100);

        List<List<byte[]>> expectedVideo = CaptureFeed.depacketized(video, v);
        List<TsTestReader.Pes> pes = r.pes(0x100);
        assertThat(pes).hasSize(expectedVideo.size()).hasSize(60);
        for (int i = 0; i < pes.size(); i++) {
            List<byte[]> got = nalus(pes.get(i).data());
            assertThat(got.getFirst()).as("AUD first").containsExactly(0x09, 0xF0);
            assertThat(got.subList(1, got.size())).as("frame %d", i).containsExactlyElementsOf(expectedVideo.get(i));
            boolean key = i % 30 == 0;
            assertThat(pes.get(i).randomAccess()).isEqualTo(key);
            if (key) {
                // x264 repeats SPS and PPS in-band before every IDR: the unit already carries them
                assertThat(got).extracting(n -> n[0] & 0x1F).startsWith(9, 7, 8).contains(5);
                assertThat(r.pmts()).as("tables just before the keyframe").contains(pes.get(i).packet() - 1);
            }
            if (i > 0) {
                assertThat(pes.get(i).pts() - pes.get(i - 1).pts()).isEqualTo(3000);
            }
        }
        assertThat(pes).allSatisfy(p -> assertThat(p.declaredLength()).isEqualTo(8 + p.data().length));

        // one ADTS frame per PES, the FFmpeg reference frames in order (its RTP muxer never sends the last)
        List<byte[]> reference = Captures.adtsFrames(Captures.resource("ffmpeg51-aac.adts"));
        List<TsTestReader.Pes> audioPes = r.pes(0x101);
        assertThat(audioPes).hasSize(reference.size() - 1);
        for (int i = 0; i < audioPes.size(); i++) {
            byte[] d = audioPes.get(i).data();
            assertThat(AdtsFramerTest.Adts.parse(d)).isEqualTo(new AdtsFramerTest.Adts(1, 3, 2, d.length));
            assertThat(Arrays.copyOfRange(d, 7, d.length)).as("frame %d", i).isEqualTo(reference.get(i));
            assertThat(audioPes.get(i).randomAccess()).isTrue();
            if (i > 0) {
                assertThat(audioPes.get(i).pts() - audioPes.get(i - 1).pts()).isEqualTo(1024 * 90_000 / 48_000);
            }
        }
    }

    @Test
    void latmAacGetsTheAdtsHeaderOfItsStreamMuxConfig() {
        String latm = "ffmpeg51-aac-latm-udp";
        Format audio = CaptureFeed.format(latm, Codec.MPEG4_AUDIO_LATM);
        List<CaptureFeed.Packet> a = CaptureFeed.load(latm, Codec.MPEG4_AUDIO_LATM, 0, 1);
        TsTestReader.Result r = TsTestReader.read(mux(CaptureFeed.desc(audio), a)).checkTiming();
        List<byte[]> reference = Captures.adtsFrames(Captures.resource("ffmpeg51-aac.adts"));
        List<TsTestReader.Pes> pes = r.pes(0x100);
        assertThat(pes).as("FFmpeg's LATM packetizer sends every frame").hasSize(reference.size());
        for (int i = 0; i < pes.size(); i++) {
            byte[] d = pes.get(i).data();
            assertThat(AdtsFramerTest.Adts.parse(d)).isEqualTo(new AdtsFramerTest.Adts(1, 3, 2, d.length));
            assertThat(Arrays.copyOfRange(d, 7, d.length)).as("frame %d", i).isEqualTo(reference.get(i));
        }
        // audio only: PAT and PMT at least every 500 ms, the PCR in every PES
        assertThat(r.pmts().size()).isGreaterThanOrEqualTo(4);
        assertThat(pes).allSatisfy(p -> assertThat(p.pcr()).isNotNegative());
    }

    @Test
    void h265AndOpusFromRtpWithOpusReadFromThePackets() {
        Format video = CaptureFeed.format(H265, Codec.H265);
        Format audio = CaptureFeed.format(OPUS, Codec.OPUS);
        List<CaptureFeed.Packet> v = CaptureFeed.load(H265, Codec.H265, 0, 1);
        List<CaptureFeed.Packet> a = CaptureFeed.load(OPUS, Codec.OPUS, 1, 2);
        TsTestReader.Result r = TsTestReader.read(mux(CaptureFeed.desc(video, audio), CaptureFeed.merge(v, a)))
                .checkTiming();
        assertThat(r.streams().get(0x100).streamType()).isEqualTo(0x24);
        assertThat(r.streams().get(0x101).streamType()).isEqualTo(0x06);
        // no sprop-stereo in FFmpeg's SDP: mono (RFC 7587 §7.1)
        assertThat(r.streams().get(0x101).descriptors()).containsExactly(OpusFramer.descriptors(1));

        List<TsTestReader.Pes> pes = r.pes(0x100);
        assertThat(pes).hasSize(60);
        List<byte[]> first = nalus(pes.getFirst().data());
        assertThat(first).extracting(n -> (n[0] >> 1) & 0x3F).startsWith(35, 32, 33, 34);
        assertThat(pes.getFirst().randomAccess()).isTrue();

        List<TsTestReader.Pes> opus = r.pes(0x101);
        assertThat(opus).hasSize(a.size());
        for (int i = 0; i < opus.size(); i++) {
            byte[] d = opus.get(i).data();
            ByteBuf rtp = Unpooled.wrappedBuffer(a.get(i).rtp());
            byte[] payload = ByteBufUtil.getBytes(RtpHeader.payload(rtp));
            assertThat(opus.get(i).streamId()).isEqualTo(0xBD);
            assertThat(OpusFramerTest.controlHeaderSize(d)).isEqualTo(payload.length);
            assertThat(d).endsWith(payload);
            if (i > 0) {
                assertThat(opus.get(i).pts() - opus.get(i - 1).pts()).as("20 ms").isEqualTo(1800);
            }
        }
    }

    @Test
    void aReaderJoiningMidStreamStartsAtTheCachedKeyframe() {
        Format video = CaptureFeed.format(H264, Codec.H264);
        StreamDesc desc = CaptureFeed.desc(video);
        List<CaptureFeed.Packet> v = CaptureFeed.load(H264, Codec.H264, 0, 1);
        Stream stream = CaptureFeed.stream(desc);
        // 45 frames in, the stream caches from frame 30 (the second keyframe)
        int cut = 0;
        long ts = -1;
        int frames = 0;
        while (frames <= 45) {
            long t = RtpHeader.timestamp(Unpooled.wrappedBuffer(v.get(cut).rtp()));
            frames += t != ts ? 1 : 0;
            ts = t;
            cut++;
        }
        CaptureFeed.play(stream, v.subList(0, cut - 1), START);
        TsFromStream mapper = new TsFromStream(desc);
        ByteBuf out = Unpooled.buffer();
        stream.addReader(u -> mapper.onUnit(u, out), true, true);
        CaptureFeed.play(stream, v.subList(cut - 1, v.size()), START);
        stream.close();
        TsTestReader.Result r = TsTestReader.read(ByteBufUtil.getBytes(out)).checkTiming();
        out.release();
        assertThat(r.pats()).first().isEqualTo(0);
        assertThat(r.pes(0x100)).hasSize(30).first().satisfies(p -> assertThat(p.randomAccess()).isTrue());
        assertThat(new ArrayList<>(nalus(r.pes(0x100).getFirst().data()))).extracting(n -> n[0] & 0x1F)
                .startsWith(9, 7, 8);
    }
}
