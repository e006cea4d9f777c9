package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.rtp.Captures;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnexBFramerTest {
    static final byte[] SPS = Base64.getDecoder().decode("Z0LADdkBQfsBEAAAAwAQAAADA8jxQqSA");
    static final byte[] PPS = Base64.getDecoder().decode("aMuDyyA=");
    static final byte[] IDR = {0x65, (byte) 0x88, 0x01, 0x02};
    static final byte[] P = {0x41, (byte) 0x9A, 0x03};
    static final byte[] SEI = {0x06, 0x05, 0x01, (byte) 0x80};
    static final byte[] AUD = {0x09, (byte) 0xF0};
    static final Format WITH_SPROP = new Format(96, Codec.H264, "H264", 90000, 0,
            "packetization-mode=1; sprop-parameter-sets=" + Base64.getEncoder().encodeToString(SPS) + ","
                    + Base64.getEncoder().encodeToString(PPS));
    static final Format WITHOUT_SPROP = new Format(96, Codec.H264, "H264", 90000, 0, "packetization-mode=1");

    /** Frames one unit; returns its NAL units, or null when the framer held it back. */
    static List<byte[]> frame(EsFramer f, boolean keyframe, byte[]... nalus) {
        List<ByteBuf> units = new ArrayList<>();
        for (byte[] n : nalus) {
            units.add(Unpooled.wrappedBuffer(n));
        }
        AccessUnit au = new AccessUnit(0, units, keyframe);
        ByteBuf out = Unpooled.buffer();
        try {
            if (!f.frame(au, out)) {
                assertThat(out.readableBytes()).isZero();
                return null;
            }
            byte[] b = ByteBufUtil.getBytes(out);
            assertThat(b).startsWith(0, 0, 0, 1);
            return Captures.annexB(b);
        } finally {
            au.release();
            out.release();
        }
    }

    @Test
    void waitsForAKeyframeThenPrependsTheParameterSetsItLacks() {
        AnnexBFramer f = new AnnexBFramer(WITH_SPROP);
        assertThat(frame(f, false, P)).as("no decoder can start at a P frame").isNull();
        assertThat(frame(f, true, SEI, IDR)).containsExactly(AUD, SPS, PPS, SEI, IDR);
        assertThat(frame(f, false, P)).containsExactly(AUD, P);
        // a unit with its own delimiter and parameter sets keeps them, once
        assertThat(frame(f, true, AUD, SPS, PPS, IDR)).containsExactly(AUD, SPS, PPS, IDR);
    }

    @Test
    void inBandParameterSetsReplaceTheFormatsAndAreRepeatedAtLaterKeyframes() {
        byte[] newSps = SPS.clone();
        newSps[newSps.length - 1] ^= 1;
        AnnexBFramer f = new AnnexBFramer(WITH_SPROP);
        // only the SPS in-band: the current PPS is added and the new SPS is not sent twice
        assertThat(frame(f, true, newSps, IDR)).containsExactly(AUD, newSps, PPS, IDR);
        assertThat(frame(f, true, IDR)).containsExactly(AUD, newSps, PPS, IDR);
        // parameter sets alone make no PES, but the next keyframe gets them
        assertThat(frame(f, false, AUD, SPS, PPS)).isNull();
        assertThat(frame(f, true, IDR)).containsExactly(AUD, SPS, PPS, IDR);
    }

    @Test
    void withoutSpropWaitsForInBandParameterSets() {
        AnnexBFramer f = new AnnexBFramer(WITHOUT_SPROP);
        assertThat(frame(f, true, IDR)).isNull();
        assertThat(frame(f, true, SPS, IDR)).as("no PPS yet").isNull();
        assertThat(frame(f, false, PPS, P)).as("PPS known now, but no keyframe").isNull();
        assertThat(frame(f, true, IDR)).containsExactly(AUD, SPS, PPS, IDR);
    }

    @Test
    void h265UsesItsOwnDelimiterAndThreeParameterSets() {
        Format f = Captures.format("ffmpeg51-h265-udp", Codec.H265);
        AnnexBFramer framer = new AnnexBFramer(f);
        byte[] idr = {0x26, 0x01, (byte) 0xAF, 0x10}; // IDR_W_RADL
        byte[] trail = {0x02, 0x01, (byte) 0xD0};
        List<byte[]> key = frame(framer, true, idr);
        assertThat(key).hasSize(5);
        assertThat(key.getFirst()).containsExactly(0x46, 0x01, 0x50);
        assertThat(key.subList(1, 4)).extracting(n -> (n[0] >> 1) & 0x3F).containsExactly(32, 33, 34);
        assertThat(key.get(4)).isEqualTo(idr);
        assertThat(frame(framer, false, trail)).hasSize(2);
    }
}
