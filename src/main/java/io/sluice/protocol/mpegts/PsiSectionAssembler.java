package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;

/**
 * PsiSectionAssembler rebuilds the PSI sections (PAT, PMT) of one PID from its packets
 * (ISO/IEC 13818-1 §2.4.4): a section may span packets, several may share one, and the
 * pointer_field of a packet that starts one says where the previous one ends. Each complete section
 * is checked against its CRC-32 ({@link Crc32Mpeg}); one with a bad CRC is reported and ignored, so
 * the next repetition of the table (muxers send them every 100 ms or so) takes its place.
 *
 * <p>Not thread-safe: one thread feeds it.
 */
final class PsiSectionAssembler {

    /** Largest PAT/PMT section: a section_length of at most 1021 plus the 3 bytes before it (§2.4.4.4). */
    static final int MAX_SECTION_SIZE = 1024;
    private static final int STUFFING = 0xFF;

    /** Receives one complete section with a good CRC; the array is reused after the call. */
    @FunctionalInterface
    interface SectionHandler {
        void section(byte[] section, int length);
    }

    private final int pid;
    private final Consumer<String> problems;
    private final byte[] section = new byte[MAX_SECTION_SIZE];
    private int have;
    /** Total size of the section in progress, known once its first 3 bytes are here; 0 before. */
    private int need;

    PsiSectionAssembler(int pid, Consumer<String> problems) {
        this.pid = pid;
        this.problems = problems;
    }

    /** Feeds the payload of one packet of this PID (continuity already checked). */
    void push(TsPacket p, ByteBuf buf, SectionHandler handler) {
        int pos = p.payloadOffset();
        int end = pos + p.payloadLength();
        if (!p.pusi()) {
            if (have > 0) {
                append(buf, pos, end - pos, handler);
            }
            return;
        }
        if (pos == end) {
            return;
        }
        int pointer = buf.getUnsignedByte(pos++);
        if (pointer > end - pos) {
            problems.accept("PSI pointer_field " + pointer + " beyond the packet on PID " + TsPacket.pidName(pid));
            reset();
            return;
        }
        if (have > 0) {
            append(buf, pos, pointer, handler);
            if (have > 0) {
                problems.accept("PSI section on PID " + TsPacket.pidName(pid) + " cut short by the next one ("
                        + have + " of " + (need > 0 ? need : "?") + " bytes)");
            }
        }
        reset();
        pos += pointer;
        while (pos < end && buf.getUnsignedByte(pos) != STUFFING) {
            pos += append(buf, pos, end - pos, handler);
            if (have > 0) {
                break; // the section goes on in the next packet
            }
        }
    }

    /** Drops the section in progress (packets were lost). */
    void reset() {
        have = 0;
        need = 0;
    }

    /** Appends up to {@code len} bytes to the section in progress, delivering it when complete; returns the bytes used. */
    private int append(ByteBuf buf, int from, int len, SectionHandler handler) {
        int used = 0;
        while (used < len) {
            int want = need == 0 ? 3 - have : need - have;
            int n = Math.min(want, len - used);
            buf.getBytes(from + used, section, have, n);
            have += n;
            used += n;
            if (need == 0 && have == 3) {
                int sectionLength = ((section[1] & 0x0f) << 8) | (section[2] & 0xff);
                if (3 + sectionLength > MAX_SECTION_SIZE || sectionLength < 9) {
                    problems.accept("PSI section_length " + sectionLength + " outside 9.." + (MAX_SECTION_SIZE - 3)
                            + " on PID " + TsPacket.pidName(pid));
                    reset();
                    return len; // the rest of the packet cannot be trusted
                }
                need = 3 + sectionLength;
            } else if (need > 0 && have == need) {
                deliver(handler);
                return used;
            }
        }
        return used;
    }

    private void deliver(SectionHandler handler) {
        int length = need;
        reset();
        if (Crc32Mpeg.of(section, 0, length) != 0) {
            problems.accept("bad CRC in PSI section (table_id 0x" + Integer.toHexString(section[0] & 0xff)
                    + ", " + length + " bytes) on PID " + TsPacket.pidName(pid) + "; section ignored");
            return;
        }
        handler.section(section, length);
    }
}
