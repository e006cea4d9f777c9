package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.sluice.stream.AccessUnit;

/**
 * EsFramer turns one access unit of one media into the payload of its PES, in the framing the
 * elementary stream's stream_type requires (Annex-B for H.264/H.265, ADTS for AAC, ...).
 */
interface EsFramer {

    /**
     * Appends the PES payload of {@code au} to {@code out}; the unit's buffers are only read.
     *
     * @return false when the unit is not sent (video before the first keyframe a decoder can start at,
     *     or a unit of parameter sets alone); nothing was appended then
     * @throws TsMuxException when the unit cannot be framed; {@code out} may hold part of it and is discarded
     */
    boolean frame(AccessUnit au, ByteBuf out);

    /** The framer of streams whose access units go into the PES as they are (MPEG-1/2 audio frames). */
    EsFramer AS_IS = (au, out) -> {
        copyUnits(au, out);
        return true;
    };

    /** Appends the bytes of every buffer of the unit, leaving their indexes alone. */
    static void copyUnits(AccessUnit au, ByteBuf out) {
        for (ByteBuf u : au.units()) {
            out.writeBytes(u, u.readerIndex(), u.readableBytes());
        }
    }
}
