package io.sluice.protocol.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.sluice.protocol.rtp.Captures;
import io.sluice.protocol.rtp.Pcap;
import io.sluice.protocol.rtp.RtpHeader;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.Unit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

class WebrtcRtpWriterTest {

    /** The fmtp of an FFmpeg RTSP publisher that sends SPS/PPS only in the SDP. */
    private static final Format H264 = new Format(96, Codec.H264, "H264", 90_000, 0,
            "packetization-mode=1; sprop-parameter-sets=Z0LAHtkDxWhAAAADAEAAAA8jxYuS,aMuMsg==; profile-level-id=42C01E");
    private static final Format OPUS = new Format(111, Codec.OPUS, "opus", 48_000, 2, "");
    private static final byte[] SPS = Base64.getDecoder().decode("Z0LAHtkDxWhAAAADAEAAAA8jxYuS");
    private static final byte[] PPS = Base64.getDecoder().decode("aMuMsg==");
    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    /** Every buffer the test made or received, checked for refCnt 0 at the end. */
    private final List<ByteBuf> buffers = new ArrayList<>();
    private final List<WebrtcRtpWriter> writers = new ArrayList<>();

    @AfterEach
    void everyBufferIsReleased() {
        writers.forEach(WebrtcRtpWriter::close);
        assertThat(buffers).allSatisfy(b -> assertThat(b.refCnt()).as("leaked buffer").isZero());
    }

    private WebrtcRtpWriter writer(Format f, int initialSeq, int slots) {
        WebrtcRtpWriter w = new WebrtcRtpWriter(f, 100, 0x5eed5eedL, initialSeq, slots);
        writers.add(w);
        return w;
    }

    /** Writes a packet as a unit, releases the unit and returns copies of the outputs (released). */
    private List<byte[]> write(WebrtcRtpWriter w, byte[] rtp) {
        ByteBuf in = Unpooled.copiedBuffer(rtp);
        buffers.add(in);
        Unit u = new Unit(0, in, System.nanoTime(), false);
        List<ByteBuf> out = w.write(u, ALLOC);
        assertThat(ByteBufUtil.getBytes(in)).as("input untouched").isEqualTo(rtp);
        u.release();
        buffers.addAll(out);
        List<byte[]> bytes = out.stream().map(ByteBufUtil::getBytes).toList();
        out.forEach(ByteBuf::release);
        return bytes;
    }

    private static byte[] rtp(int seq, long ts, boolean marker, byte[] payload) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80).writeByte((marker ? 0x80 : 0) | 96).writeShort(seq).writeInt((int) ts).writeInt(0x11223344);
        b.writeBytes(payload);
        return ByteBufUtil.getBytes(b);
    }

    private static byte[] rtp(int seq, long ts, boolean marker, int... payload) {
        byte[] p = new byte[payload.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) payload[i];
        }
        return rtp(seq, ts, marker, p);
    }

    private static ByteBuf wrap(byte[] b) {
        return Unpooled.wrappedBuffer(b);
    }

    private static byte[] payload(byte[] packet) {
        return ByteBufUtil.getBytes(RtpHeader.payload(wrap(packet)));
    }

    @Test
    void rewritesTheHeaderAndStripsCsrcsExtensionAndPadding() {
        byte[] payload = HexFormat.of().parseHex("fc0102030405");
        ByteBuf in = Unpooled.buffer();
        in.writeByte(0x80 | 0x20 | 0x10 | 1).writeByte(0x80 | 111).writeShort(1000).writeInt(5000).writeInt(0x99);
        in.writeInt(0x77); // CSRC
        in.writeShort(0xbede).writeShort(1).writeByte(0x10).writeByte(0xaa).writeShort(0); // one-byte extension, id 1
        in.writeBytes(payload).writeBytes(new byte[] {0, 0, 3}); // 3 bytes of padding
        WebrtcRtpWriter w = writer(OPUS, 4242, 0);

        byte[] out = write(w, ByteBufUtil.getBytes(in)).getFirst();

        ByteBuf o = wrap(out);
        assertThat(out).hasSize(12 + payload.length);
        assertThat((int) o.getUnsignedByte(0)).as("V=2, no P, X or CSRC").isEqualTo(0x80);
        assertThat(RtpHeader.marker(o)).isTrue();
        assertThat(RtpHeader.payloadType(o)).isEqualTo(100);
        assertThat(RtpHeader.sequenceNumber(o)).isEqualTo(4242);
        assertThat(RtpHeader.ssrc(o)).isEqualTo(0x5eed5eedL);
        assertThat(payload(out)).isEqualTo(payload);
        assertThat(w.packets()).isEqualTo(1);
        assertThat(w.bytes()).isEqualTo(out.length);
    }

    @Test
    void sequenceNumbersContinueAcrossTheWrapAndAcrossWriters() {
        WebrtcRtpWriter first = writer(OPUS, 65534, 0);
        List<Integer> seqs = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] out = write(first, rtp(7 + i * 3, 960L * i, true, 1)).getFirst();
            seqs.add(RtpHeader.sequenceNumber(wrap(out)));
            offsets.add((RtpHeader.timestamp(wrap(out)) - 960L * i) & 0xffff_ffffL);
        }
        assertThat(seqs).containsExactly(65534, 65535, 0);
        assertThat(offsets).as("one timestamp offset per writer").containsOnly(offsets.getFirst());
        assertThat(first.nextSequence()).isEqualTo(1);
        // a padding-only packet (a probe) is dropped without using a number
        assertThat(write(first, HexFormat.of().parseHex("a06000090000000011223344" + "00000004"))).isEmpty();

        WebrtcRtpWriter next = writer(OPUS, first.nextSequence(), 0);
        assertThat(RtpHeader.sequenceNumber(wrap(write(next, rtp(100, 0, true, 1)).getFirst()))).isEqualTo(1);
    }

    @Test
    void stapAIsInjectedBeforeAnIdrWithoutParameterSets() {
        WebrtcRtpWriter w = writer(H264, 10, 0);
        List<byte[]> out = write(w, rtp(1, 3000, false, 0x65, 0x88, 1, 2));
        assertThat(out).hasSize(2);
        ByteBuf stap = wrap(out.getFirst());
        assertThat(RtpHeader.marker(stap)).isFalse();
        assertThat(RtpHeader.timestamp(stap)).isEqualTo(RtpHeader.timestamp(wrap(out.get(1))));
        assertThat(RtpHeader.sequenceNumber(stap)).isEqualTo(10);
        assertThat(RtpHeader.sequenceNumber(wrap(out.get(1)))).isEqualTo(11);
        // RFC 6184 §5.7.1: F=0, NRI=3 (the highest of SPS and PPS), type 24, then size-prefixed units
        ByteBuf expected = Unpooled.buffer().writeByte(0x78).writeShort(SPS.length).writeBytes(SPS)
                .writeShort(PPS.length).writeBytes(PPS);
        assertThat(payload(out.getFirst())).isEqualTo(ByteBufUtil.getBytes(expected));
        assertThat(payload(out.get(1))).isEqualTo(HexFormat.of().parseHex("65880102"));

        // the second slice of the same picture, then a P frame: nothing more
        assertThat(write(w, rtp(2, 3000, true, 0x65, 0x99))).hasSize(1);
        assertThat(write(w, rtp(3, 6000, true, 0x41, 0x9a))).hasSize(1);
        // the next IDR, as an FU-A start fragment, gets them again
        assertThat(write(w, rtp(4, 9000, false, 0x7c, 0x85, 1))).hasSize(2);
        assertThat(w.packets()).isEqualTo(6);
    }

    @Test
    void noStapAWhenTheParameterSetsCameInBand() {
        WebrtcRtpWriter w = writer(H264, 10, 0);
        ByteBuf stap = Unpooled.buffer().writeByte(0x78).writeShort(SPS.length).writeBytes(SPS)
                .writeShort(PPS.length).writeBytes(PPS);
        assertThat(write(w, rtp(1, 3000, false, ByteBufUtil.getBytes(stap)))).hasSize(1);
        assertThat(write(w, rtp(2, 3000, true, 0x65, 0x88))).hasSize(1);
    }

    /**
     * Replays an FFmpeg capture through a writer, optionally without the packets {@code drop} matches
     * (as if the publisher sent parameter sets only in the SDP); returns the writer's outputs.
     */
    private List<byte[]> replay(String capture, Codec codec, Predicate<byte[]> drop) {
        Format f = Captures.format(capture, codec);
        WebrtcRtpWriter w = writer(f, 0, 0);
        List<byte[]> out = new ArrayList<>();
        for (Pcap.Datagram d : Captures.rtpDatagrams(capture)) {
            if (!drop.test(d.payload())) {
                out.addAll(write(w, d.payload()));
            }
        }
        return out;
    }

    private static int nalType(byte[] packet, Codec codec) {
        int b = packet[12] & 0xff;
        return codec == Codec.H264 ? b & 0x1f : (b >> 1) & 0x3f;
    }

    @Test
    void realH264CaptureWithAndWithoutInBandParameterSets() {
        String capture = "ffmpeg51-h264-baseline-udp";
        int in = Captures.rtpDatagrams(capture).size();
        // FFmpeg sends SPS+PPS+SEI in a STAP-A before each IDR: nothing to add
        assertThat(replay(capture, Codec.H264, p -> false)).hasSize(in);

        Predicate<byte[]> stapA = p -> nalType(p, Codec.H264) == 24;
        int dropped = (int) Captures.rtpDatagrams(capture).stream().map(Pcap.Datagram::payload).filter(stapA).count();
        List<byte[]> out = replay(capture, Codec.H264, stapA);
        List<byte[]> injected = out.stream().filter(stapA).toList();
        assertThat(dropped).isEqualTo(2);
        assertThat(injected).hasSize(dropped);
        assertThat(out).hasSize(in);
        byte[] sps = Base64.getDecoder().decode("Z0LADdkBQfsBEAAAAwAQAAADA8jxQqSA");
        assertThat(ByteBufUtil.indexOf(wrap(sps), wrap(payload(injected.getFirst())))).isEqualTo(3);
    }

    @Test
    void realH265CaptureGetsAnApWhenTheInBandOneIsMissing() {
        String capture = "ffmpeg51-h265-udp";
        int in = Captures.rtpDatagrams(capture).size();
        assertThat(replay(capture, Codec.H265, p -> false)).hasSize(in);

        Predicate<byte[]> ap = p -> nalType(p, Codec.H265) == 48;
        int dropped = (int) Captures.rtpDatagrams(capture).stream().map(Pcap.Datagram::payload).filter(ap).count();
        List<byte[]> injected = replay(capture, Codec.H265, ap).stream().filter(ap).toList();
        assertThat(dropped).isPositive();
        assertThat(injected).hasSize(dropped);
        // RFC 7798 §4.4.2: PayloadHdr type 48, LayerId 0, TID 1, then VPS, SPS, PPS from the SDP
        byte[] vps = Base64.getDecoder().decode("QAEMAf//AWAAAAMAkAAAAwAAAwA8koCQ");
        byte[] p = payload(injected.getFirst());
        assertThat(HexFormat.of().formatHex(p, 0, 4)).isEqualTo("6001" + String.format("%04x", vps.length));
        assertThat(java.util.Arrays.copyOfRange(p, 4, 4 + vps.length)).isEqualTo(vps);
        assertThat(p[4 + vps.length + 2] >> 1 & 0x3f).as("then the SPS").isEqualTo(33);
    }

    @Test
    void retransmitReturnsTheSentBytes() {
        WebrtcRtpWriter w = writer(H264, 65535, 4);
        List<byte[]> sent = new ArrayList<>();
        sent.addAll(write(w, rtp(1, 3000, false, 0x65, 1)));
        sent.addAll(write(w, rtp(2, 6000, true, 0x41, 2)));
        for (byte[] s : sent) {
            ByteBuf again = w.retransmit(RtpHeader.sequenceNumber(wrap(s)));
            buffers.add(again);
            assertThat(ByteBufUtil.getBytes(again)).isEqualTo(s);
            again.release();
        }
        assertThat(w.retransmit(5)).isNull();
        assertThat(writer(OPUS, 0, 0).retransmit(0)).isNull();
        w.close();
        assertThat(w.retransmit(65535)).isNull();
    }
}
