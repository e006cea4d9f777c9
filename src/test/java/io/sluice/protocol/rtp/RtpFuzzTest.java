package io.sluice.protocol.rtp;

import io.sluice.testing.TrackingAllocator;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RtpFuzzTest feeds fuzzer bytes to the RTP header reader, the RTCP compound parser, every
 * depacketizer (H264, H265, MPEG4-GENERIC, LATM) and every keyframe detector (H264, H265, AV1, VP8,
 * VP9, MPEG-4 video; Opus and the other audio codecs have none), and to the fmtp parsers a
 * depacketizer is built from. The contract: a value or an {@link RtpException}, never another
 * exception, the input packet unchanged and every allocated buffer released.
 *
 * <p>Input layout of {@link #packets}: byte 0 picks the format, then packets, each preceded by a
 * 2-byte big-endian length (the last one takes whatever remains), so that the fuzzer also drives the
 * state a depacketizer keeps between packets.
 */
class RtpFuzzTest {
    /** The formats, with the fmtp of a real capture where there is one. */
    private static final List<Format> FORMATS = List.of(
            Captures.format("ffmpeg51-h264-baseline-udp", Codec.H264),
            Captures.format("ffmpeg51-h265-udp", Codec.H265),
            Captures.format("ffmpeg51-aac-mpeg4generic-udp", Codec.MPEG4_AUDIO),
            Captures.format("ffmpeg51-aac-mpeg4generic-fragmented-udp", Codec.MPEG4_AUDIO),
            Captures.format("ffmpeg51-aac-latm-udp", Codec.MPEG4_AUDIO_LATM),
            Captures.format("ffmpeg51-vp8-udp", Codec.VP8),
            Captures.format("ffmpeg51-vp9-udp", Codec.VP9),
            new Format(96, Codec.AV1, "AV1", 90000, 0, ""),
            Captures.format("ffmpeg51-opus-udp", Codec.OPUS),
            Captures.format("ffmpeg51-mpeg4-udp", Codec.MPEG4_VIDEO));

    @FuzzTest
    void packets(byte[] data) {
        if (data.length == 0) {
            return;
        }
        Format format = FORMATS.get((data[0] & 0xff) % FORMATS.size());
        KeyframeDetector keyframes = KeyframeDetector.forCodec(format.codec());
        io.sluice.stream.QualityMeter.VideoProbe probe = SpsProbe.forFormat(format);
        TrackingAllocator alloc = new TrackingAllocator();
        try (Depacketizer d = Depacketizer.forFormat(format, alloc)) {
            for (byte[] packet : split(data)) {
                ByteBuf in = Unpooled.wrappedBuffer(packet);
                header(in);
                keyframes.isKeyframePacket(in);
                if (probe != null) {
                    probe.probe(in); // the picture size quality conditions read: never throws
                }
                if (d != null) {
                    List<AccessUnit> out = new ArrayList<>();
                    try {
                        out.addAll(d.push(in));
                    } catch (RtpPacketException expected) {
                        // the documented failure; the depacketizer goes on with the next packet
                    }
                    out.forEach(AccessUnit::release);
                }
                assertThat(in.refCnt()).isEqualTo(1);
                assertThat(in.readerIndex()).isZero();
                assertThat(in.array()).as("the input packet must not change").isEqualTo(packet);
                in.release();
            }
        }
        alloc.assertAllReleased();
    }

    @FuzzTest
    void rtcp(byte[] data) {
        ByteBuf in = Unpooled.wrappedBuffer(data);
        try {
            for (RtcpPacket p : RtcpPacket.parseCompound(in)) {
                assertThat(p).isNotNull();
            }
        } catch (RtpPacketException expected) {
            // the documented failure
        }
        assertThat(in.readerIndex()).isZero();
        assertThat(in.refCnt()).isEqualTo(1);
        in.release();
    }

    /**
     * Fuzzed RTCP as a WHIP target reads the remote's transport-cc feedback: found in the compound, parsed,
     * applied to an estimator that sent packets under those numbers; and the same bytes as an RTP packet that
     * gets the transport-wide extension.
     */
    @FuzzTest
    void transportCc(byte[] data) {
        ByteBuf in = Unpooled.wrappedBuffer(data);
        SendSideEstimator est = new SendSideEstimator();
        for (int i = 0; i < 64; i++) {
            est.sent(i, 1000, i * 1_000_000L);
        }
        est.update(0);
        try {
            for (TransportCcFeedback.Report r : TransportCcFeedback.inCompound(in)) {
                est.feedback(r);
            }
            SendSideEstimator.Window w = est.update(1_000_000_000L);
            assertThat(w.loss()).isBetween(-1.0, 1.0);
        } catch (RtpPacketException expected) {
            // the documented failure
        }
        byte[] out = new byte[data.length + TransportWideSequence.EXTRA_BYTES];
        int n = TransportWideSequence.copyWith(in, out, 1, 7);
        assertThat(n).isIn(-1, data.length + TransportWideSequence.EXTRA_BYTES);
        assertThat(in.readerIndex()).isZero();
        assertThat(in.array()).as("the input must not change").isEqualTo(data);
        in.release();
    }

    /** Fuzzed fmtp, base64 parameter sets, AudioSpecificConfig hex and SPS bytes. */
    @FuzzTest
    void fmtp(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        for (Format f : FORMATS) {
            Format fuzzed = new Format(f.payloadType(), f.codec(), f.encodingName(), f.clockRate(), f.channels(), s);
            tolerate(() -> {
                try (Depacketizer d = Depacketizer.forFormat(fuzzed)) {
                    assertThat(d == null).isEqualTo(Depacketizer.forFormat(f) == null);
                }
            });
        }
        tolerate(() -> H264ParameterSets.parse(s));
        tolerate(() -> H264ParameterSets.fromFormat(new Format(96, Codec.H264, "H264", 90000, 0, s)));
        tolerate(() -> H265ParameterSets.fromFormat(new Format(96, Codec.H265, "H265", 90000, 0, s)));
        tolerate(() -> AudioSpecificConfig.fromMpeg4GenericConfig(s));
        tolerate(() -> AudioSpecificConfig.fromLatmConfig(s));
        tolerate(() -> AudioSpecificConfig.parse(data));
        tolerate(() -> H264Sps.parse(data));
    }

    private static void header(ByteBuf in) {
        boolean valid = RtpHeader.isValid(in);
        try {
            RtpHeader.validate(in);
            ByteBuf payload = RtpHeader.payload(in);
            assertThat(valid).isTrue();
            assertThat(payload.readableBytes()).isEqualTo(RtpHeader.payloadLength(in));
            if (RtpHeader.extension(in)) {
                RtpHeader.extensionProfile(in);
            }
            for (int i = 0; i < RtpHeader.csrcCount(in); i++) {
                RtpHeader.csrc(in, i);
            }
        } catch (RtpPacketException e) {
            assertThat(valid).as("isValid agrees with validate: %s", e.getMessage()).isFalse();
        }
    }

    static List<byte[]> split(byte[] data) {
        List<byte[]> out = new ArrayList<>();
        int p = 1;
        while (p < data.length) {
            int len = p + 2 <= data.length ? ((data[p] & 0xff) << 8 | (data[p + 1] & 0xff)) : 0;
            p += 2;
            int n = Math.max(0, Math.min(len, data.length - p));
            byte[] packet = new byte[n];
            System.arraycopy(data, Math.min(p, data.length), packet, 0, n);
            out.add(packet);
            p += n;
        }
        return out;
    }

    /** Runs a parse whose only allowed failure is {@link RtpException}. */
    private static void tolerate(Runnable parse) {
        try {
            parse.run();
        } catch (RtpException expected) {
            // the documented failure
        }
    }
}
