package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hand-made access units as sources that are not RTP (RTMP, MPEG-TS) hand them to a real
 * {@link Stream}, hand-made RTP for MPEG audio, and the track table.
 */
class TsFromStreamSourcesTest {
    static final Format AAC = new Format(97, Codec.MPEG4_AUDIO, "MPEG4-GENERIC", 48000, 2,
            "mode=AAC-hbr; sizelength=13; indexlength=3; indexdeltalength=3; config=1190");
    static final Format MPA = new Format(14, Codec.MPEG1_AUDIO, "MPA", 90000, 0, "");
    static final Format OPUS = new Format(111, Codec.OPUS, "opus", 48000, 2, "sprop-stereo=1");
    static final long MS = 1_000_000;

    private Stream stream;
    private TsFromStream mapper;
    private final ByteBuf out = Unpooled.buffer();

    private void open(Format... formats) {
        StreamDesc desc = CaptureFeed.desc(formats);
        stream = CaptureFeed.stream(desc);
        mapper = new TsFromStream(desc);
        stream.addReader(u -> mapper.onUnit(u, out), false, true);
    }

    @AfterEach
    void close() {
        if (stream != null) {
            stream.close();
        }
        out.release();
    }

    private TsTestReader.Result result() {
        return TsTestReader.read(ByteBufUtil.getBytes(out)).checkTiming();
    }

    /** An RTP packet as a non-RTP source's packetizer would make it; its content does not matter here. */
    private static ByteBuf rtp(long ts) {
        return Unpooled.buffer(16).writeShort(0x8060).writeShort(1).writeInt((int) ts).writeInt(7).writeInt(0);
    }

    /** Writes an access unit the way RTMP and MPEG-TS sources do: riding on its last RTP packet. */
    private void au(int media, long ts, int ptsOffset, boolean key, long arrivalMs, byte[]... units) {
        List<ByteBuf> bufs = java.util.Arrays.stream(units).map(u -> (ByteBuf) Unpooled.wrappedBuffer(u)).toList();
        stream.write(media, List.of(rtp(ts)), new AccessUnit(ts, ptsOffset, bufs, key), arrivalMs * MS);
    }

    @Test
    void tracksSayWhatIsCarriedAndWhyTheRestIsNot() {
        StreamDesc desc = CaptureFeed.desc(AnnexBFramerTest.WITH_SPROP,
                new Format(96, Codec.VP8, "VP8", 90000, 0, ""),
                new Format(8, Codec.G711_PCMA, "PCMA", 8000, 1, ""),
                new Format(98, Codec.MPEG4_AUDIO, "MPEG4-GENERIC", 48000, 2, "mode=AAC-hbr"),
                new Format(99, Codec.OTHER, "x-foo", 90000, 0, ""),
                OPUS, MPA, new Format(100, Codec.MPEG4_VIDEO, "MP4V-ES", 90000, 0, ""));
        TsFromStream m = new TsFromStream(desc);
        assertThat(m.carriesAnything()).isTrue();
        assertThat(m.tracks()).extracting(TsFromStream.Track::carried)
                .containsExactly(true, false, false, false, false, true, true, false);
        assertThat(m.tracks().get(1).reason()).isEqualTo("VP8 is not re-framed to MPEG-TS yet");
        assertThat(m.tracks().get(2).reason()).isEqualTo("MPEG-TS has no stream type for G711_PCMA");
        assertThat(m.tracks().get(3).reason()).contains("unusable MPEG4_AUDIO parameters", "config=");
        assertThat(m.tracks().get(4).reason()).isEqualTo("unknown codec");
        assertThat(m.tracks().get(7).reason()).isEqualTo("MPEG4_VIDEO is not re-framed to MPEG-TS yet");
        assertThat(new TsFromStream(CaptureFeed.desc(new Format(0, Codec.G711_PCMU, "PCMU", 8000, 1, "")))
                .carriesAnything()).isFalse();
        Format[] many = new Format[TsFromStream.MAX_CARRIED + 1];
        java.util.Arrays.fill(many, OPUS);
        assertThat(new TsFromStream(CaptureFeed.desc(many)).tracks().getLast().reason())
                .isEqualTo("an MPEG-TS program carries at most 8 medias here");
    }

    @Test
    void videoWaitsForAKeyframeWhileAudioStartsAtOnceAndBFramesGetADts() {
        open(AnnexBFramerTest.WITH_SPROP, AAC);
        byte[] frame = {0x21, 0x10, 0x42};
        au(1, 1000, 0, true, 0, frame);
        au(0, 50_000, 0, false, 5, AnnexBFramerTest.P); // joined mid-GOP: held back
        au(1, 2024, 0, true, 21, frame);
        // IDR, then P and B in decoding order: presentation 3 frames later, decoded 2 frames later
        au(0, 59_000, 6000, true, 80, AnnexBFramerTest.IDR);
        au(0, 68_000, 12000, false, 113, AnnexBFramerTest.P);
        au(0, 62_000, 3000, false, 146, AnnexBFramerTest.P);
        au(1, 3048, 0, true, 150, frame);

        TsTestReader.Result r = result();
        List<TsTestReader.Pes> video = r.pes(0x100);
        assertThat(video).hasSize(3);
        assertThat(io.sluice.protocol.rtp.Captures.annexB(video.getFirst().data()))
                .containsExactly(AnnexBFramerTest.AUD, AnnexBFramerTest.SPS, AnnexBFramerTest.PPS, AnnexBFramerTest.IDR);
        // decoding times step by a frame; the video starts no earlier than the PCR the audio drove
        assertThat(video).extracting(p -> p.dts() - video.getFirst().dts()).containsExactly(0L, 3000L, 6000L);
        assertThat(video).extracting(p -> p.pts() - p.dts()).containsExactly(6000L, 12000L, 3000L);
        assertThat(r.pes(0x101)).hasSize(3);
        assertThat(r.pes(0x101).getFirst().packet()).isLessThan(video.getFirst().packet());
        assertThat(mapper.droppedUnits()).isZero();
    }

    @Test
    void aMediaStartingBehindThePcrIsMovedForwardSoNothingArrivesLate() {
        open(AnnexBFramerTest.WITH_SPROP, AAC);
        byte[] frame = {0x21, 0x10, 0x42};
        for (int i = 0; i < 5; i++) {
            au(1, 1024L * i, 0, true, 21L * i, frame);
        }
        // the first video unit arrives at 100 ms, presented two frames after its decoding time: its
        // DTS (100 ms - 66 ms) is behind the 4th audio frame's, which the PCR already reached
        au(0, 50_000, 6000, true, 100, AnnexBFramerTest.IDR);
        au(0, 53_000, 6000, false, 133, AnnexBFramerTest.P);
        TsTestReader.Result r = result(); // checks PCR <= every stream's latest DTS
        long audioDts = r.pes(0x101).get(4).dts();
        assertThat(audioDts).isEqualTo(90_000 + 4 * 1920);
        TsTestReader.Pes first = r.pes(0x100).getFirst();
        assertThat(first.dts()).as("moved up to the PCR").isEqualTo(audioDts);
        assertThat(first.pts() - first.dts()).isEqualTo(6000);
        assertThat(r.pes(0x100).get(1).dts() - first.dts()).isEqualTo(3000);
    }

    @Test
    void opusWithAttachedAccessUnitsIsNotReadFromThePacketsAsWell() {
        open(OPUS);
        byte[] packet = {(byte) 0xFC, 1, 2, 3};
        for (int i = 0; i < 5; i++) {
            au(0, 960L * i, 0, true, 20L * i, packet);
        }
        TsTestReader.Result r = result();
        assertThat(r.streams().get(0x100).descriptors()).containsExactly(OpusFramer.descriptors(2));
        assertThat(r.pes(0x100)).hasSize(5).allSatisfy(p -> assertThat(p.data()).endsWith(packet));
        assertThat(r.pcrPid()).isEqualTo(0x100);
        assertThat(r.pes(0x100)).allSatisfy(p -> assertThat(p.pcr()).as("audio-only: PCR in every PES").isNotNegative());
    }

    @Test
    void mpegAudioFromRtpSkipsTheRfc2250HeaderAndFragments() {
        open(MPA);
        byte[] frame = MpegAudioPayloadTest.layer2Frame();
        for (int i = 0; i < 4; i++) {
            ByteBuf p = rtp(2160L * i).writerIndex(12).writeBytes(MpegAudioPayloadTest.payload(0, frame));
            stream.write(0, p, i * 24 * MS);
        }
        // a frame split over two packets is dropped, not sent half
        byte[] half = java.util.Arrays.copyOf(frame, 200);
        stream.write(0, rtp(8640).writerIndex(12).writeBytes(MpegAudioPayloadTest.payload(0, half)), 96 * MS);
        stream.write(0, rtp(8640).writerIndex(12).writeBytes(MpegAudioPayloadTest.payload(200, new byte[184])), 96 * MS);
        // a malformed packet (padding flag with a padding length of 0) is counted, not thrown
        ByteBuf bad = rtp(10800).writerIndex(12).writeBytes(MpegAudioPayloadTest.payload(0, frame));
        bad.setByte(0, 0xA0).setByte(bad.writerIndex() - 1, 0);
        stream.write(0, bad, 120 * MS);

        TsTestReader.Result r = result();
        assertThat(r.streams().get(0x100).streamType()).isEqualTo(0x03);
        assertThat(r.pes(0x100)).hasSize(4).allSatisfy(p -> assertThat(p.data()).isEqualTo(frame));
        assertThat(r.pes(0x100)).extracting(TsTestReader.Pes::pts)
                .containsExactly(90_000L, 92_160L, 94_320L, 96_480L);
        assertThat(mapper.droppedUnits()).isEqualTo(1);
    }
}
