package io.sluice.protocol.mpegts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TsTestReader parses a transport stream written by the muxer and fails (AssertionError) on anything
 * a strict receiver would reject: lost sync, a continuity counter that skips (counted as FFmpeg does:
 * payload-less packets keep the counter), a bad adaptation field, a PSI section whose CRC does not
 * check, a PES whose PES_packet_length does not match its data or that does not end where its last
 * packet ends. Independent of the production demuxer on purpose. Test-only.
 */
final class TsTestReader {

    record Pes(int pid, int streamId, int declaredLength, long pts, long dts, byte[] data, boolean randomAccess,
            long pcr, int packet) {
    }

    record Pcr(int pid, long value, int packet, boolean withPayload) {
    }

    record Es(int pid, int streamType, byte[] descriptors) {
    }

    /** Everything found, in stream order; {@code tables} holds the packet index of every PMT. */
    record Result(List<Pes> pes, List<Pcr> pcrs, List<Integer> pats, List<Integer> pmts, int pcrPid,
            Map<Integer, Es> streams, int packets) {

        List<Pes> pes(int pid) {
            return pes.stream().filter(p -> p.pid == pid).toList();
        }

        /**
         * Checks the clocks: per PID the DTS never goes back and never passes the PTS; the PCR never
         * goes back, is on the PMT's PCR PID, and never passes the DTS of the latest PES of any PID
         * (a PES counts from its first packet, so a PCR in that packet is checked against it).
         */
        Result checkTiming() {
            Map<Integer, Long> latest = new HashMap<>();
            for (Pes p : pes) {
                Long before = latest.put(p.pid, p.dts);
                check(before == null || p.dts >= before, "DTS " + p.dts + " after " + before + " on PID " + p.pid);
                check(p.dts <= p.pts, "DTS " + p.dts + " after PTS " + p.pts);
            }
            latest.clear();
            int next = 0;
            long lastPcr = -1;
            for (Pcr c : pcrs) {
                while (next < pes.size() && pes.get(next).packet <= c.packet) {
                    latest.put(pes.get(next).pid, pes.get(next).dts);
                    next++;
                }
                check(c.pid == pcrPid, "PCR on PID " + c.pid + ", PMT says " + pcrPid);
                check(c.value >= lastPcr, "PCR " + c.value + " after " + lastPcr + " in packet " + c.packet);
                lastPcr = c.value;
                for (Map.Entry<Integer, Long> e : latest.entrySet()) {
                    check(c.value <= e.getValue(), "PCR " + c.value + " in packet " + c.packet
                            + " passes the DTS " + e.getValue() + " of PID " + e.getKey());
                }
            }
            return this;
        }
    }

    private final List<Pes> pes = new ArrayList<>();
    private final List<Pcr> pcrs = new ArrayList<>();
    private final List<Integer> pats = new ArrayList<>();
    private final List<Integer> pmts = new ArrayList<>();
    private final Map<Integer, Integer> lastCc = new HashMap<>();
    private final Map<Integer, Open> open = new HashMap<>();
    private final Map<Integer, Es> streams = new LinkedHashMap<>();
    private int pmtPid = -1;
    private int pcrPid = -1;

    /** A PES being collected. */
    private static final class Open {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        boolean randomAccess;
        long pcr = -1;
        int packet;
    }

    static Result read(byte[] ts) {
        TsTestReader r = new TsTestReader();
        check(ts.length % 188 == 0, "length " + ts.length + " is not a multiple of 188");
        int n = ts.length / 188;
        for (int i = 0; i < n; i++) {
            r.packet(Arrays.copyOfRange(ts, i * 188, i * 188 + 188), i);
        }
        for (int pid : List.copyOf(r.open.keySet())) {
            r.finish(pid, true);
        }
        return new Result(List.copyOf(r.pes), List.copyOf(r.pcrs), List.copyOf(r.pats), List.copyOf(r.pmts),
                r.pcrPid, Map.copyOf(r.streams), n);
    }

    private void packet(byte[] p, int index) {
        check((p[0] & 0xFF) == 0x47, "no sync byte in packet " + index);
        boolean pusi = (p[1] & 0x40) != 0;
        int pid = ((p[1] & 0x1F) << 8) | (p[2] & 0xFF);
        int afc = (p[3] >> 4) & 3;
        int cc = p[3] & 0x0F;
        check(afc != 0, "reserved adaptation_field_control in packet " + index);
        boolean payload = (afc & 1) != 0;
        Integer last = lastCc.get(pid);
        if (last != null) {
            int expected = payload ? (last + 1) & 0x0F : last;
            check(cc == expected, "PID 0x" + Integer.toHexString(pid) + " packet " + index + ": CC " + cc
                    + ", expected " + expected);
        }
        lastCc.put(pid, cc);
        int at = 4;
        boolean randomAccess = false;
        long pcr = -1;
        if ((afc & 2) != 0) {
            int len = p[4] & 0xFF;
            check(len <= (payload ? 182 : 183), "adaptation field length " + len + " in packet " + index);
            if (!payload) {
                check(len == 183, "payload-less packet " + index + " must be all adaptation field");
            }
            if (len > 0) {
                int flags = p[5] & 0xFF;
                randomAccess = (flags & 0x40) != 0;
                if ((flags & 0x10) != 0) {
                    long b = 0;
                    for (int k = 0; k < 6; k++) {
                        b = (b << 8) | (p[6 + k] & 0xFF);
                    }
                    pcr = b >>> 15;
                    check(((b >>> 9) & 0x3F) == 0x3F, "PCR reserved bits in packet " + index);
                    pcrs.add(new Pcr(pid, pcr, index, payload));
                }
                for (int k = 6 + ((flags & 0x10) != 0 ? 6 : 0); k < 5 + len; k++) {
                    check((p[k] & 0xFF) == 0xFF, "stuffing byte " + k + " of packet " + index + " is not 0xFF");
                }
            }
            at = 5 + len;
        }
        if (!payload) {
            return;
        }
        byte[] data = Arrays.copyOfRange(p, at, 188);
        if (pid == 0 || pid == pmtPid) {
            section(pid, data, pusi, index);
            return;
        }
        if (pusi) {
            if (open.containsKey(pid)) {
                finish(pid, true);
            }
            Open o = new Open();
            o.randomAccess = randomAccess;
            o.pcr = pcr;
            o.packet = index;
            open.put(pid, o);
        }
        Open o = open.get(pid);
        check(o != null, "PES data without a start on PID 0x" + Integer.toHexString(pid) + " in packet " + index);
        o.bytes.writeBytes(data);
        byte[] b = o.bytes.toByteArray();
        if (b.length >= 6) {
            int declared = ((b[4] & 0xFF) << 8) | (b[5] & 0xFF);
            if (declared != 0) {
                check(b.length <= 6 + declared, "PES on PID 0x" + Integer.toHexString(pid) + " overruns its length "
                        + declared + " in packet " + index + " (no stuffing?)");
                if (b.length == 6 + declared) {
                    finish(pid, false);
                }
            }
        }
    }

    private void section(int pid, byte[] data, boolean pusi, int index) {
        check(pusi && data[0] == 0, "section on PID " + pid + " without pointer_field 0 in packet " + index);
        int tableId = data[1] & 0xFF;
        int length = ((data[2] & 0x0F) << 8) | (data[3] & 0xFF);
        check(Crc32Mpeg.of(data, 1, 3 + length) == 0, "CRC of table " + tableId + " in packet " + index);
        for (int k = 4 + length; k < data.length; k++) {
            check((data[k] & 0xFF) == 0xFF, "PSI filler in packet " + index);
        }
        int end = 4 + length - 4; // before the CRC
        if (tableId == 0) {
            check(pid == 0, "PAT on PID " + pid);
            pmtPid = ((data[11] & 0x1F) << 8) | (data[12] & 0xFF);
            pats.add(index);
        } else {
            check(tableId == 2, "table " + tableId + " on the PMT PID");
            pcrPid = ((data[9] & 0x1F) << 8) | (data[10] & 0xFF);
            int infoLength = ((data[11] & 0x0F) << 8) | (data[12] & 0xFF);
            int k = 13 + infoLength;
            while (k < end) {
                int esPid = ((data[k + 1] & 0x1F) << 8) | (data[k + 2] & 0xFF);
                int esInfo = ((data[k + 3] & 0x0F) << 8) | (data[k + 4] & 0xFF);
                streams.put(esPid, new Es(esPid, data[k] & 0xFF, Arrays.copyOfRange(data, k + 5, k + 5 + esInfo)));
                k += 5 + esInfo;
            }
            pmts.add(index);
        }
    }

    private void finish(int pid, boolean unbounded) {
        Open o = open.remove(pid);
        byte[] b = o.bytes.toByteArray();
        check(b.length >= 9 && b[0] == 0 && b[1] == 0 && b[2] == 1, "no PES start code on PID 0x" + Integer.toHexString(pid));
        int declared = ((b[4] & 0xFF) << 8) | (b[5] & 0xFF);
        check(!unbounded || declared == 0, "PES on PID 0x" + Integer.toHexString(pid) + " of length " + declared
                + " cut short at " + (b.length - 6));
        int flags = b[7] & 0xFF;
        int headerLength = b[8] & 0xFF;
        check((flags & 0x80) != 0, "PES without PTS");
        long pts = timestamp(b, 9);
        long dts = (flags & 0x40) != 0 ? timestamp(b, 14) : pts;
        pes.add(new Pes(pid, b[3] & 0xFF, declared, pts, dts, Arrays.copyOfRange(b, 9 + headerLength, b.length),
                o.randomAccess, o.pcr, o.packet));
    }

    private static long timestamp(byte[] b, int at) {
        check((b[at] & 1) == 1 && (b[at + 2] & 1) == 1 && (b[at + 4] & 1) == 1, "timestamp marker bits");
        return ((long) (b[at] & 0x0E) << 29) | ((b[at + 1] & 0xFF) << 22) | ((b[at + 2] & 0xFE) << 14)
                | ((b[at + 3] & 0xFF) << 7) | ((b[at + 4] & 0xFE) >>> 1);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("invalid TS: " + what);
        }
    }
}
