package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * OpusPesReader splits the data of one Opus PES into Opus packets. Opus in MPEG-TS puts an
 * opus_control_header before each packet (the mapping FFmpeg and GStreamer implement, modelled on
 * ETSI TS 102 366): an 11-bit 0x3FF prefix (0x7FE0 with the flags), start/end trim and extension
 * flags, the packet size as a run of 0xFF bytes plus a last byte, then the optional trim and
 * extension fields.
 *
 * <p>The trims are skipped: RTP (RFC 7587) has no field for them, and they only cut a few samples at
 * the very start or end of a stream.
 */
final class OpusPesReader {

    private static final int PREFIX_MASK = 0xFFE0;
    private static final int PREFIX = 0x7FE0;
    private static final int START_TRIM = 0x10;
    private static final int END_TRIM = 0x08;
    private static final int EXTENSION = 0x04;
    /** SILK frame sizes by the low 2 bits of the TOC config, in 48 kHz samples: 10, 20, 40, 60 ms. */
    private static final int[] SILK_FRAMES = {480, 960, 1920, 2880};

    private OpusPesReader() {
    }

    /**
     * The Opus packets of the readable bytes of {@code b}, as slices (not retained).
     *
     * @throws TsFormatException for a missing prefix or a size beyond the data; the packets before it
     *     are lost with the rest of the PES
     */
    static List<ByteBuf> packets(ByteBuf b) {
        List<ByteBuf> out = new ArrayList<>(1);
        int pos = b.readerIndex();
        int end = b.writerIndex();
        while (pos < end) {
            if (end - pos < 3 || (b.getUnsignedShort(pos) & PREFIX_MASK) != PREFIX) {
                throw new TsFormatException("no opus_control_header at byte " + (pos - b.readerIndex()) + " of the PES");
            }
            int flags = b.getUnsignedByte(pos + 1);
            pos += 2;
            int size = 0;
            int v;
            do {
                if (pos >= end) {
                    throw new TsFormatException("Opus au_size runs past the PES");
                }
                v = b.getUnsignedByte(pos++);
                size += v;
            } while (v == 0xFF);
            pos += (flags & START_TRIM) != 0 ? 2 : 0;
            pos += (flags & END_TRIM) != 0 ? 2 : 0;
            if ((flags & EXTENSION) != 0 && pos < end) {
                pos += 1 + b.getUnsignedByte(pos);
            }
            if (size == 0 || pos + size > end) {
                throw new TsFormatException("Opus au_size " + size + " with " + Math.max(0, end - pos) + " bytes left in the PES");
            }
            out.add(b.slice(pos, size));
            pos += size;
        }
        return out;
    }

    /**
     * Duration of an Opus packet in 48 kHz samples, from its TOC byte and frame count
     * (<a href="https://www.rfc-editor.org/rfc/rfc6716#section-3.1">RFC 6716 §3.1</a>).
     *
     * @throws TsFormatException for a code-3 packet without its frame count byte
     */
    static int samples(ByteBuf packet) {
        int toc = packet.getUnsignedByte(packet.readerIndex());
        int config = toc >> 3;
        int frame; // in 48 kHz samples
        if (config < 12) {
            frame = SILK_FRAMES[config & 3];
        } else if (config < 16) {
            frame = (config & 1) == 0 ? 480 : 960; // hybrid: 10, 20 ms
        } else {
            frame = 120 << (config & 3); // CELT: 2.5, 5, 10, 20 ms
        }
        int frames = switch (toc & 3) {
            case 0 -> 1;
            case 1, 2 -> 2;
            default -> {
                if (packet.readableBytes() < 2) {
                    throw new TsFormatException("Opus code 3 packet without frame count");
                }
                yield packet.getUnsignedByte(packet.readerIndex() + 1) & 0x3f;
            }
        };
        return frame * frames;
    }

    /** Channels coded in the packet: the TOC's stereo bit. */
    static int channels(ByteBuf packet) {
        return (packet.getUnsignedByte(packet.readerIndex()) & 0x04) != 0 ? 2 : 1;
    }
}
