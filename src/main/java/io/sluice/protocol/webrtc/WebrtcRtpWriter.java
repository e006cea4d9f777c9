package io.sluice.protocol.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.rtp.ParameterSetInjector;
import io.sluice.protocol.rtp.RetransmissionBuffer;
import io.sluice.protocol.rtp.RtpHeader;
import io.sluice.stream.Format;
import io.sluice.stream.Unit;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * WebrtcRtpWriter turns the RTP packets of one stream media into the packets of one outgoing WebRTC
 * track, SFU-style (<a href="https://www.rfc-editor.org/rfc/rfc7667#section-3.7">RFC 7667 §3.7</a>):
 * payload, marker and timestamp pass through, while payload type, SSRC and sequence numbers become
 * the track's own. The WHEP reader session and the WHIP forwarder both use it, so that a browser and
 * a remote server receive the same packets.
 *
 * <p>Per packet: the header is rebuilt as 12 bytes, dropping the source's CSRCs and header
 * extensions (the remote did not negotiate them) and its padding (a padding-only packet, a
 * bandwidth probe meant for Sluice, is dropped: the new sequence numbers leave no gap). The timestamp
 * gets a random per-writer offset (RFC 3550 §5.1). Before an H.264 IDR or H.265 IRAP picture whose
 * parameter sets did not come in-band under the same timestamp, one STAP-A/AP carrying them is sent
 * first, see {@link ParameterSetInjector}.
 *
 * <p>Ownership: {@link #write} copies what it needs (a packet is at most an MTU) and leaves the unit
 * untouched; the caller owns every returned buffer. With retransmission on, the writer also keeps a
 * reference to the same bytes, so the caller must not change them: SRTP must protect into a new buffer.
 * Not thread-safe: called only from the thread that sends the track, which also handles its RTCP.
 */
public final class WebrtcRtpWriter implements AutoCloseable {

    private static final Random RANDOM = new SecureRandom();

    private final int payloadType;
    private final long ssrc;
    private final long timestampOffset;
    private final RetransmissionBuffer retransmissions;
    private final ParameterSetInjector injector;
    private int nextSequence;
    private long packets;
    private long bytes;
    private boolean closed;

    /**
     * @param format the stream media's Format (codec, fmtp incl. sprop-parameter-sets / sprop-vps/sps/pps)
     * @param payloadType negotiated PT
     * @param ssrc Sluice's SSRC for this track
     * @param initialSeq first sequence number (random, or continuing from a previous session so
     *     sequence numbers are continuous across reconnects)
     * @param retransmissionSlots 0 = no RetransmissionBuffer, else a power of two
     * @throws IllegalArgumentException when a value is out of its range
     */
    public WebrtcRtpWriter(Format format, int payloadType, long ssrc, int initialSeq, int retransmissionSlots) {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("invalid RTP payload type " + payloadType);
        }
        if (ssrc < 0 || ssrc > 0xffff_ffffL) {
            throw new IllegalArgumentException("invalid RTP SSRC " + ssrc);
        }
        if (initialSeq < 0 || initialSeq > 0xffff) {
            throw new IllegalArgumentException("invalid RTP sequence number " + initialSeq);
        }
        if (retransmissionSlots < 0) {
            throw new IllegalArgumentException("negative retransmission slots " + retransmissionSlots);
        }
        this.payloadType = payloadType;
        this.ssrc = ssrc;
        this.nextSequence = initialSeq;
        this.timestampOffset = RANDOM.nextInt() & 0xffff_ffffL;
        this.retransmissions = retransmissionSlots == 0 ? null : new RetransmissionBuffer(retransmissionSlots);
        this.injector = ParameterSetInjector.forFormat(format);
    }

    /**
     * Rewrites one stream unit's RTP packet for the wire: 0..n new packets with this track's PT, SSRC
     * and continuous sequence numbers, which the caller sends and releases. The unit is not modified
     * and keeps its reference count.
     *
     * @throws io.sluice.protocol.rtp.RtpPacketException when the unit's packet is malformed
     * @throws IllegalStateException after {@link #close}
     */
    public List<ByteBuf> write(Unit unit, ByteBufAllocator alloc) {
        if (closed) {
            throw new IllegalStateException("WebRTC RTP writer closed");
        }
        ByteBuf in = unit.rtp();
        RtpHeader.validate(in);
        int off = in.readerIndex() + RtpHeader.payloadOffset(in);
        int len = RtpHeader.payloadLength(in);
        if (len == 0) {
            return List.of();
        }
        long sourceTimestamp = RtpHeader.timestamp(in);
        long timestamp = (sourceTimestamp + timestampOffset) & 0xffff_ffffL;
        List<ByteBuf> out = new ArrayList<>(1);
        try {
            if (injector != null) {
                for (byte[] sets : injector.before(in.slice(off, len), sourceTimestamp)) {
                    out.add(packet(alloc, timestamp, false, Unpooled.wrappedBuffer(sets), 0, sets.length));
                }
            }
            out.add(packet(alloc, timestamp, RtpHeader.marker(in), in, off, len));
            return out;
        } catch (RuntimeException e) {
            // an allocation failure must not leak the packets already made
            out.forEach(ByteBuf::release);
            throw e;
        }
    }

    private ByteBuf packet(ByteBufAllocator alloc, long timestamp, boolean marker, ByteBuf payload, int off, int len) {
        ByteBuf p = alloc.buffer(RtpHeader.FIXED_HEADER_SIZE + len);
        p.writeByte(RtpHeader.VERSION << 6); // P=0, X=0, CC=0
        p.writeByte((marker ? 0x80 : 0) | payloadType);
        p.writeShort(nextSequence);
        p.writeInt((int) timestamp);
        p.writeInt((int) ssrc);
        p.writeBytes(payload, off, len);
        nextSequence = (nextSequence + 1) & 0xffff;
        packets++;
        bytes += p.readableBytes();
        if (retransmissions != null) {
            retransmissions.sent(p);
        }
        return p;
    }

    /**
     * The packet sent earlier with {@code seq} (this track's numbering), byte for byte, for a NACK;
     * the caller sends and releases it. Null when retransmission is off, the packet is too old, or
     * the writer is closed.
     */
    public ByteBuf retransmit(int seq) {
        return retransmissions == null || closed ? null : retransmissions.get(seq);
    }

    /** The sequence number the next packet will get: pass it as {@code initialSeq} to a writer that continues this track. */
    public int nextSequence() {
        return nextSequence;
    }

    /** Packets returned by {@link #write}, injected parameter sets included, retransmissions excluded. */
    public long packets() {
        return packets;
    }

    /** Bytes of those packets, RTP headers included. */
    public long bytes() {
        return bytes;
    }

    /** Releases the retransmission buffer; idempotent. */
    @Override
    public void close() {
        closed = true;
        if (retransmissions != null) {
            retransmissions.close();
        }
    }
}
