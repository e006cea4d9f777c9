package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PacketizerRun feeds units to a packetizer and checks what every call must keep: the input buffers
 * untouched, version 2 headers without CSRC/extension/padding, the format's payload type, one SSRC,
 * sequence numbers continuing across calls, the call's timestamp, payloads within
 * {@link Packetizer#MAX_PAYLOAD_SIZE}. It keeps the packets as bytes and releases the buffers. Test-only.
 */
final class PacketizerRun {

    final Packetizer packetizer;
    final List<byte[]> packets = new ArrayList<>();
    private int lastSeq = -1;

    PacketizerRun(Packetizer packetizer) {
        this.packetizer = packetizer;
    }

    /** Packetizes one unit given as byte arrays; returns its packets as bytes. */
    List<byte[]> pushBytes(List<byte[]> units, long ts) {
        List<ByteBuf> bufs = units.stream().map(Captures::buf).toList();
        List<byte[]> out = push(bufs, ts);
        bufs.forEach(ByteBuf::release);
        return out;
    }

    /** Packetizes one unit; returns its packets as bytes. */
    List<byte[]> push(List<ByteBuf> units, long ts) {
        List<Integer> readerIndexes = units.stream().map(ByteBuf::readerIndex).toList();
        List<Integer> refCnts = units.stream().map(ByteBuf::refCnt).toList();
        List<byte[]> contents = units.stream().map(ByteBufUtil::getBytes).toList();
        List<ByteBuf> out = packetizer.packetize(units, ts);

        assertThat(units).extracting(ByteBuf::readerIndex).containsExactlyElementsOf(readerIndexes);
        assertThat(units).extracting(ByteBuf::refCnt).containsExactlyElementsOf(refCnts);
        assertThat(units).extracting(ByteBufUtil::getBytes).containsExactlyElementsOf(contents);
        List<byte[]> bytes = new ArrayList<>(out.size());
        boolean sameTimestamp = !(packetizer instanceof G711Packetizer);
        for (ByteBuf p : out) {
            assertThat(p.refCnt()).isEqualTo(1);
            RtpHeader.validate(p);
            assertThat(p.getByte(0) & 0xff).as("V=2, no padding, extension or CSRC").isEqualTo(0x80);
            assertThat(RtpHeader.payloadType(p)).isEqualTo(packetizer.format().payloadType());
            assertThat(RtpHeader.ssrc(p)).isEqualTo(packetizer.ssrc());
            if (sameTimestamp) {
                assertThat(RtpHeader.timestamp(p)).isEqualTo(ts & 0xffff_ffffL);
            }
            if (lastSeq >= 0) {
                assertThat(RtpHeader.sequenceNumber(p)).isEqualTo((lastSeq + 1) & 0xffff);
            }
            lastSeq = RtpHeader.sequenceNumber(p);
            assertThat(p.readableBytes()).isGreaterThan(RtpHeader.FIXED_HEADER_SIZE)
                    .isLessThanOrEqualTo(RtpHeader.FIXED_HEADER_SIZE + Packetizer.MAX_PAYLOAD_SIZE);
            bytes.add(ByteBufUtil.getBytes(p));
            p.release();
        }
        packets.addAll(bytes);
        return bytes;
    }

    static boolean marker(byte[] packet) {
        return (packet[1] & 0x80) != 0;
    }

    static int payloadType(byte[] packet) {
        return packet[1] & 0x7f;
    }

    static int seq(byte[] packet) {
        return RtpHeader.sequenceNumber(Captures.buf(packet));
    }

    /** The payload after the 12-byte header. */
    static byte[] payload(byte[] packet) {
        return java.util.Arrays.copyOfRange(packet, RtpHeader.FIXED_HEADER_SIZE, packet.length);
    }
}
