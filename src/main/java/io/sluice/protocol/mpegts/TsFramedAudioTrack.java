package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.sluice.stream.AccessUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * TsFramedAudioTrack reads audio whose PES payload is a run of self-delimiting frames, each with a header
 * that gives its length (ADTS for AAC, the MPEG audio frame header): it walks the frames, times each one
 * from the PES's PTS plus the samples of the frames before it ({@link AudioClock}), and makes each one an
 * access unit. The subclasses say how to read a header, how many samples a frame lasts, and where its
 * access unit starts; what they share is the walk, the bounds checks and the timing.
 *
 * @param <H> the frame header
 */
abstract sealed class TsFramedAudioTrack<H> extends TsTrack permits TsAacTrack, TsMpegAudioTrack {
    /** Set by the subclass once it knows the sample rate (from the first usable header). */
    AudioClock clock;

    TsFramedAudioTrack(TsElementaryStream stream, Consumer<String> problems) {
        super(stream, problems);
    }

    /** What a frame is called in messages ("ADTS frame", "frame"). */
    abstract String frameName();

    /** The fewest bytes a header needs. */
    abstract int minHeaderSize();

    /** Parses the header at {@code pos}, which has at least {@link #minHeaderSize()} bytes after it. */
    abstract H parse(ByteBuf d, int pos) throws TsFormatException;

    /** The frame's length, header included. */
    abstract int frameLength(H h);

    /**
     * The samples the frame lasts, or 0 to drop it (reported by the subclass); called only for a frame that
     * lies whole in the PES, in order. The first usable frame sets {@link #clock}.
     */
    abstract int samples(H h);

    /** Where the access unit starts in the frame: after the header, or at 0 to keep the header. */
    abstract int unitOffset(H h);

    @Override
    final List<AccessUnit> accessUnits(PesPacket pes, long pts, long dts) {
        ByteBuf d = pes.data();
        int pos = d.readerIndex();
        int end = d.writerIndex();
        List<AccessUnit> out = new ArrayList<>();
        boolean first = true;
        try {
            while (pos < end) {
                if (end - pos < minHeaderSize()) {
                    throw new TsFormatException((end - pos) + " stray bytes after the last " + frameName());
                }
                H h = parse(d, pos);
                int length = frameLength(h);
                if (length > end - pos) {
                    throw new TsFormatException(frameName() + " of " + length + " bytes with " + (end - pos)
                            + " left in the PES");
                }
                int at = pos;
                pos += length;
                int samples = samples(h);
                if (samples == 0) {
                    continue;
                }
                // the PTS is that of the PES's first frame (a dropped frame before it has none of its own)
                if (first && pts != PesHeader.NONE) {
                    clock.sync(pts, samples);
                }
                first = false;
                if (clock.started()) {
                    long ts = clock.next(samples);
                    int skip = unitOffset(h);
                    out.add(new AccessUnit(ts & TIMESTAMP_MASK, List.of(d.retainedSlice(at + skip, length - skip)),
                            true));
                }
            }
        } catch (TsFormatException e) {
            problem(e.getMessage() + "; rest of the PES dropped");
        }
        return out;
    }
}
