package io.sluice.protocol.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import io.sluice.stream.StreamReader;
import io.sluice.stream.Unit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What WHIP ingest drops on purpose — a sender's padding-only probes, second copies of a packet — must not
 * look like loss downstream: the sequence numbers readers and targets get stay continuous, and
 * timestamps are untouched.
 */
class WebrtcToStreamTest {
    private static final long SSRC = 0x1111_2222L;
    private static final long RTX_SSRC = 0x3333_4444L;
    private static final int PT = 96;
    private static final int RTX_PT = 97;

    private final Stream stream = new Stream(new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "0",
            List.of(new Format(PT, Codec.VP8, "VP8", 90000, 0, ""))))), i -> null);
    private final List<long[]> out = new ArrayList<>();
    private final WebrtcToStream ingest = new WebrtcToStream(stream,
            List.of(new IngestTrack(0, "0", PT, SSRC, RTX_PT, RTX_SSRC, true, true, false, -1)),
            UnpooledByteBufAllocator.DEFAULT);

    WebrtcToStreamTest() {
        stream.addReader(new StreamReader() {
            @Override
            public void onUnit(Unit u) {
                out.add(new long[] {u.sequenceNumber(), u.timestamp()});
            }
        }, false);
    }

    /** An RTP packet: {@code payload} bytes of media, or padding only when {@code payload} is 0. */
    private static ByteBuf rtp(int pt, long ssrc, int seq, long ts, int payload) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(payload == 0 ? 0xa0 : 0x80);
        b.writeByte(pt);
        b.writeShort(seq);
        b.writeInt((int) ts);
        b.writeInt((int) ssrc);
        if (payload == 0) {
            b.writeZero(223);
            b.writeByte(224); // libwebrtc's padding packets: 224 bytes of padding, nothing else
        } else {
            b.writeByte(0x10); // VP8 payload descriptor, start of partition
            b.writeZero(payload - 1);
        }
        return b;
    }

    /** RTX (RFC 4588): the original sequence number, then the original payload. */
    private static ByteBuf rtx(int rtxSeq, int originalSeq, long ts) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80);
        b.writeByte(RTX_PT);
        b.writeShort(rtxSeq);
        b.writeInt((int) ts);
        b.writeInt((int) RTX_SSRC);
        b.writeShort(originalSeq);
        b.writeByte(0x10);
        b.writeZero(99);
        return b;
    }

    @Test
    void paddingProbesAndDuplicatesLeaveNoGap() {
        long t = 0;
        ingest.write(rtp(PT, SSRC, 65533, 1000, 100), t++);
        ingest.write(rtp(PT, SSRC, 65534, 1000, 0), t++); // probe
        ingest.write(rtp(PT, SSRC, 65535, 1000, 0), t++); // probe
        ingest.write(rtp(PT, SSRC, 0, 4000, 100), t++);
        ingest.write(rtp(PT, SSRC, 0, 4000, 100), t++); // duplicate on the wire
        ingest.write(rtp(PT, SSRC, 2, 7000, 100), t++); // 1 is late
        ingest.write(rtp(RTX_PT, RTX_SSRC, 500, 4000, 0), t++); // probe on the RTX stream
        ingest.write(rtp(PT, SSRC, 1, 4000, 100), t++); // 1 arrives late after all
        ingest.write(rtx(501, 1, 4000), t++); // and its retransmission too: a second copy
        ingest.write(rtp(PT, SSRC, 3, 7000, 0), t++); // probe
        ingest.write(rtp(PT, SSRC, 4, 10000, 100), t++);
        assertThat(out).extracting(p -> p[0]).containsExactly(
                65533L, // 65533
                65534L, // 0, after two probes
                0L, // 2, out before 1 arrived
                65535L, // 1, late, keeps its place
                1L); // 4, after a probe
        assertThat(out).extracting(p -> p[1]).as("timestamps untouched").containsExactly(1000L, 4000L, 7000L, 4000L,
                10000L);
        assertThat(ingest.paddingOnly()).isEqualTo(3);
        assertThat(ingest.duplicates()).isEqualTo(2);
        assertThat(ingest.dropped()).isZero();
    }

    @Test
    void probesAreNeitherNackedNorLost() {
        ingest.write(rtp(PT, SSRC, 10, 1000, 100), 0);
        for (int s = 11; s < 20; s++) {
            ingest.write(rtp(PT, SSRC, s, 1000, 0), 0);
        }
        ingest.write(rtp(PT, SSRC, 20, 4000, 100), 0);
        assertThat(ingest.nacks(1)).isEmpty();
        assertThat(ingest.lossFractionSinceLastCall()).isZero();
        ingest.write(rtp(PT, SSRC, 23, 4000, 100), 0);
        List<ByteBuf> nacks = ingest.nacks(1);
        assertThat(nacks).hasSize(1);
        nacks.forEach(ByteBuf::release);
        assertThat(ingest.lossFractionSinceLastCall()).as("2 of 3 expected since the last call").isEqualTo(2 / 3.0);
        assertThat(out).extracting(p -> p[0]).containsExactly(10L, 11L, 14L);
    }
}
