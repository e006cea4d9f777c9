package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** TsTestData loads the MPEG-TS captures and builds hand-made packets, PES and PSI sections. Test-only. */
final class TsTestData {

    /** An SRT payload: 7 packets. */
    static final int SRT_CHUNK = 1316;

    private TsTestData() {
    }

    /** A capture from src/test/resources/captures/mpegts. */
    static byte[] capture(String name) {
        try (InputStream in = TsTestData.class.getResourceAsStream("/captures/mpegts/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no capture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Feeds {@code ts} in chunks of {@code chunk} bytes, each in its own buffer, released after the call. */
    static void feed(byte[] ts, int chunk, Consumer<ByteBuf> sink) {
        for (int i = 0; i < ts.length; i += chunk) {
            ByteBuf b = Unpooled.wrappedBuffer(Arrays.copyOfRange(ts, i, Math.min(ts.length, i + chunk)));
            try {
                sink.accept(b);
            } finally {
                b.release();
            }
        }
    }

    /** Concatenates byte arrays. */
    static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        parts.forEach(o::writeBytes);
        return o.toByteArray();
    }

    /** Indexes of the packets of a PID in a capture, in order. */
    static List<Integer> packetsOf(byte[] ts, int pid) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i + 188 <= ts.length; i += 188) {
            if ((((ts[i + 1] & 0x1f) << 8) | (ts[i + 2] & 0xff)) == pid) {
                out.add(i / 188);
            }
        }
        return out;
    }

    /**
     * One packet; a payload shorter than 184 bytes is padded with adaptation-field stuffing, as muxers
     * pad the last packet of a PES.
     */
    static byte[] packet(int pid, boolean pusi, int cc, byte[] payload) {
        byte[] p = new byte[188];
        p[0] = 0x47;
        p[1] = (byte) ((pusi ? 0x40 : 0) | (pid >> 8));
        p[2] = (byte) pid;
        int pos = 4;
        if (payload.length < 184) {
            p[3] = (byte) (0x30 | cc);
            int afLength = 183 - payload.length;
            p[pos++] = (byte) afLength;
            if (afLength > 0) {
                p[pos++] = 0; // flags
                Arrays.fill(p, pos, pos + afLength - 1, (byte) 0xFF);
                pos += afLength - 1;
            }
        } else {
            p[3] = (byte) (0x10 | cc);
        }
        System.arraycopy(payload, 0, p, pos, payload.length);
        return p;
    }

    /** Cuts a PES into packets of one PID from continuity counter {@code cc}; the last one is stuffed. */
    static List<byte[]> packets(int pid, int cc, byte[] pes) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < pes.length; i += 184) {
            out.add(packet(pid, i == 0, (cc + out.size()) & 15, Arrays.copyOfRange(pes, i, Math.min(pes.length, i + 184))));
        }
        return out;
    }

    /** A PES with a PTS; bounded (PES_packet_length set) or unbounded (0). */
    static byte[] pes(int streamId, long pts, byte[] data, boolean bounded) {
        ByteBuf b = Unpooled.buffer();
        b.writeMedium(1).writeByte(streamId);
        b.writeShort(bounded ? 3 + 5 + data.length : 0);
        b.writeByte(0x80).writeByte(0x80).writeByte(5);
        b.writeByte(0x21 | (int) ((pts >> 29) & 0x0e));
        b.writeShort((int) (((pts >> 14) & 0xfffe) | 1));
        b.writeShort((int) (((pts << 1) & 0xfffe) | 1));
        b.writeBytes(data);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    /** A PSI section with its CRC, from table_id to the last byte before the CRC. */
    static byte[] withCrc(byte[] s) {
        byte[] out = Arrays.copyOf(s, s.length + 4);
        int crc = Crc32Mpeg.of(s, 0, s.length);
        out[s.length] = (byte) (crc >> 24);
        out[s.length + 1] = (byte) (crc >> 16);
        out[s.length + 2] = (byte) (crc >> 8);
        out[s.length + 3] = (byte) crc;
        return out;
    }

    /** A PAT section listing one program. */
    static byte[] pat(int program, int pmtPid) {
        return withCrc(new byte[] {0x00, (byte) 0xb0, 13, 0, 1, (byte) 0xc1, 0, 0,
                (byte) (program >> 8), (byte) program, (byte) (0xe0 | pmtPid >> 8), (byte) pmtPid});
    }

    /**
     * A PMT section; each stream is {stream_type, pid} and may carry a registration descriptor when
     * {@code formatIds} names one for it (null entries for none).
     */
    static byte[] pmt(int program, int version, int[][] streams, String... formatIds) {
        byte[][] descriptors = new byte[streams.length][];
        for (int i = 0; i < streams.length; i++) {
            String id = i < formatIds.length ? formatIds[i] : null;
            descriptors[i] = id == null ? new byte[0]
                    : TsTestData.concat(List.of(new byte[] {0x05, 4}, id.getBytes(StandardCharsets.ISO_8859_1)));
        }
        return pmt(program, version, streams, descriptors);
    }

    /** A PMT section with the given ES_info descriptor bytes per stream. */
    static byte[] pmt(int program, int version, int[][] streams, byte[][] descriptors) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x02).writeShort(0).writeShort(program).writeByte(0xc1 | version << 1).writeShort(0);
        b.writeShort(0xe000 | streams[0][1]).writeShort(0xf000);
        for (int i = 0; i < streams.length; i++) {
            b.writeByte(streams[i][0]).writeShort(0xe000 | streams[i][1]).writeShort(0xf000 | descriptors[i].length);
            b.writeBytes(descriptors[i]);
        }
        b.setShort(1, 0xb000 | (b.readableBytes() - 3 + 4));
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return withCrc(out);
    }

    /**
     * Packets of one PID carrying {@code sections} back to back, as a muxer packs them: a section may
     * span packets, and a packet where one starts has payload_unit_start_indicator and a pointer_field.
     */
    static List<byte[]> psiPackets(int pid, int cc, List<byte[]> sections) {
        byte[] all = concat(sections);
        List<Integer> starts = new ArrayList<>();
        int off = 0;
        for (byte[] section : sections) {
            starts.add(off);
            off += section.length;
        }
        List<byte[]> out = new ArrayList<>();
        int pos = 0;
        while (pos < all.length) {
            int from = pos;
            Integer start = starts.stream().filter(x -> x >= from && x < from + 183).findFirst().orElse(null);
            int len = Math.min(all.length - pos, start != null ? 183 : 184);
            byte[] chunk = Arrays.copyOfRange(all, pos, pos + len);
            byte[] payload = start == null ? chunk : concat(List.of(new byte[] {(byte) (start - pos)}, chunk));
            out.add(packet(pid, start != null, (cc + out.size()) & 15, payload));
            pos += len;
        }
        return out;
    }

    /**
     * A copy of {@code ts} whose PSI sections on {@code pid} (each in one packet after a pointer_field
     * of 0, as FFmpeg writes them) are changed by {@code edit}, which gets the section without its CRC
     * and changes it in place; the CRC is made anew.
     */
    static byte[] editSections(byte[] ts, int pid, java.util.function.Consumer<byte[]> edit) {
        byte[] out = ts.clone();
        for (int i : packetsOf(ts, pid)) {
            int at = i * 188;
            int pos = at + 4 + ((out[at + 3] & 0x20) != 0 ? 1 + (out[at + 4] & 0xff) : 0);
            if ((out[at + 1] & 0x40) == 0 || out[pos] != 0) {
                continue;
            }
            int length = 3 + (((out[pos + 2] & 0x0f) << 8) | (out[pos + 3] & 0xff));
            byte[] section = Arrays.copyOfRange(out, pos + 1, pos + 1 + length - 4);
            edit.accept(section);
            System.arraycopy(withCrc(section), 0, out, pos + 1, length);
        }
        return out;
    }

    /** A section in one packet after a pointer_field of 0. */
    static byte[] sectionPacket(int pid, int cc, byte[] section) {
        byte[] payload = new byte[section.length + 1];
        System.arraycopy(section, 0, payload, 1, section.length);
        return packet(pid, true, cc, payload);
    }
}
