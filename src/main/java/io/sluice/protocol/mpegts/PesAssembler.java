package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;

/**
 * PesAssembler rebuilds the PES packets of one elementary stream PID from its transport packets
 * (ISO/IEC 13818-1 §2.4.3.6). A PES starts at a packet with payload_unit_start_indicator and ends:
 * <ul>
 * <li>when its PES_packet_length is reached (bounded: audio, and video from GStreamer);
 * <li>for PES_packet_length 0 (unbounded video, as FFmpeg writes it), at a packet whose adaptation
 *     field ends in stuffing, because muxers (FFmpeg, GStreamer) pad only the last packet of a PES.
 *     Waiting for the next payload_unit_start_indicator instead would delay every frame by one frame
 *     interval, and latency is what this server is for. A muxer that stuffs a packet in the middle
 *     of a PES breaks that rule: the first time more payload follows, the rest of that PES is
 *     dropped, one problem is reported, and from then on this PID waits for the next
 *     payload_unit_start_indicator;
 * <li>otherwise at the next payload_unit_start_indicator.
 * </ul>
 * A PES cut short (packets lost, as the continuity counter shows, or a bounded PES that the next one
 * interrupts) is dropped and reported: a partial frame is worse than none to a decoder.
 *
 * <p>Not thread-safe: one thread feeds it.
 */
final class PesAssembler implements AutoCloseable {

    /** Largest PES accepted: a 4K intra frame stays far below; a stream that never ends one does not. */
    static final int MAX_PES_SIZE = 8 << 20;
    private static final int INITIAL_UNBOUNDED_CAPACITY = 32 << 10;

    private final int pid;
    private final ByteBufAllocator alloc;
    private final Consumer<String> problems;
    /** The PES in progress, header included, or null. */
    private ByteBuf pes;
    private PesHeader header;
    private boolean randomAccess;
    /** The stuffing rule: an unbounded PES ends at a stuffed packet. Off once a muxer proved it wrong. */
    private boolean endAtStuffing = true;
    /** The last PES ended at stuffing, and no new one has started since. */
    private boolean endedAtStuffing;

    PesAssembler(int pid, ByteBufAllocator alloc, Consumer<String> problems) {
        this.pid = pid;
        this.alloc = alloc;
        this.problems = problems;
    }

    /** Whether unbounded PES still end at stuffing on this PID (false once a muxer broke the rule). */
    boolean endsAtStuffing() {
        return endAtStuffing;
    }

    /** Feeds one packet of this PID (continuity already checked); hands complete PES packets to {@code out}. */
    void push(TsPacket p, ByteBuf buf, Consumer<PesPacket> out) {
        if (p.pusi()) {
            if (pes != null) {
                finish(out);
            }
            endedAtStuffing = false;
            header = null;
            randomAccess = p.randomAccess();
        } else if (pes == null) {
            if (endedAtStuffing && p.payloadLength() > 0) {
                endedAtStuffing = false;
                endAtStuffing = false;
                problems.accept("PID " + TsPacket.pidName(pid) + ": PES went on after a stuffed packet; its end was"
                        + " dropped, and this PID now waits for the next PES start to end one");
            }
            return; // no PES in progress: joined mid-PES, or after a loss, or its dropped end
        }
        if (p.payloadLength() == 0) {
            return;
        }
        if (pes == null) {
            pes = alloc.buffer(initialCapacity(buf, p.payloadOffset(), p.payloadLength()), MAX_PES_SIZE);
        }
        if (pes.maxWritableBytes() < p.payloadLength()) {
            problems.accept("PID " + TsPacket.pidName(pid) + ": PES larger than " + MAX_PES_SIZE + " bytes dropped");
            drop();
            return;
        }
        pes.writeBytes(buf, p.payloadOffset(), p.payloadLength());
        if (header == null && !readHeader()) {
            return;
        }
        if (header.bounded()) {
            if (pes.readableBytes() >= header.totalSize()) {
                if (pes.readableBytes() > header.totalSize()) {
                    problems.accept("PID " + TsPacket.pidName(pid) + ": " + (pes.readableBytes() - header.totalSize())
                            + " bytes after the end of a PES of PES_packet_length " + header.packetLength() + " ignored");
                    pes.writerIndex(header.totalSize());
                }
                finish(out);
            }
        } else if (endAtStuffing && p.stuffed() && pes.readableBytes() > header.headerSize()) {
            finish(out);
            endedAtStuffing = true;
        }
    }

    /** Parses the header once enough bytes are here; false while it is incomplete or after dropping a bad one. */
    private boolean readHeader() {
        try {
            int size = PesHeader.sizeIfKnown(pes, 0, pes.readableBytes());
            if (size < 0 || pes.readableBytes() < size) {
                return false;
            }
            header = PesHeader.parse(pes, 0);
            return true;
        } catch (TsFormatException e) {
            problems.accept("PID " + TsPacket.pidName(pid) + ": " + e.getMessage() + "; PES dropped");
            drop();
            return false;
        }
    }

    /** The exact size of a bounded PES, so that frames held later do not pin spare capacity. */
    private static int initialCapacity(ByteBuf buf, int at, int length) {
        if (length >= PesHeader.FIXED_SIZE && buf.getUnsignedMedium(at) == 1) {
            int packetLength = buf.getUnsignedShort(at + 4);
            if (packetLength != 0) {
                return Math.max(length, PesHeader.FIXED_SIZE + packetLength);
            }
        }
        return INITIAL_UNBOUNDED_CAPACITY;
    }

    /** Ends the PES in progress at a payload_unit_start_indicator or its length, or drops it if it is cut short. */
    private void finish(Consumer<PesPacket> out) {
        ByteBuf data = pes;
        PesHeader h = header;
        pes = null;
        header = null;
        if (h == null || (h.bounded() && data.readableBytes() < h.totalSize())) {
            problems.accept("PID " + TsPacket.pidName(pid) + ": truncated PES dropped (" + data.readableBytes() + " of "
                    + (h == null ? "?" : h.totalSize()) + " bytes)");
            data.release();
            return;
        }
        data.readerIndex(h.headerSize());
        out.accept(new PesPacket(pid, h.pts(), h.dts(), data, randomAccess));
    }

    /** Drops the PES in progress: packets were lost (a continuity counter gap). */
    void lost() {
        drop();
        endedAtStuffing = false;
    }

    private void drop() {
        if (pes != null) {
            pes.release();
            pes = null;
        }
        header = null;
    }

    @Override
    public void close() {
        drop();
    }
}
