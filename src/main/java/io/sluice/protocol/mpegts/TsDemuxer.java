package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * TsDemuxer reads one MPEG-TS program (ISO/IEC 13818-1): it follows the PAT to the first program's
 * PMT and hands out the program map and the complete PES packets of every elementary stream whose
 * codec is known ({@link TsCodec}).
 *
 * <p>Malformed input (lost sync, bad CRC, continuity gaps, truncated or oversized PES, scrambled or
 * corrupt-marked packets) is reported to the problem callback and skipped; nothing is thrown. A
 * continuity counter that repeats is a duplicate packet (§2.4.3.3 allows one) and is ignored.
 *
 * <p>Not thread-safe: one thread feeds it. {@link #close()} releases the PES packets in progress.
 */
final class TsDemuxer implements AutoCloseable {

    /** What the demuxer finds. */
    interface Listener {
        /** A new program map: the first one, or one with another version. */
        void onPmt(TsPmt pmt);

        /** One complete PES of a stream of the current program map; ownership moves to the listener. */
        void onPes(TsElementaryStream stream, PesPacket pes);
    }

    private static final int PID_COUNT = 8192;

    private final ByteBufAllocator alloc;
    private final Consumer<String> problems;
    private final Listener listener;
    private final TsPacketReader reader;
    private final PsiSectionAssembler pat;
    private final byte[] lastCc = new byte[PID_COUNT];
    private final BitSet scrambledReported = new BitSet();
    private PsiSectionAssembler pmtSections;
    private int pmtPid = -1;
    private int programNumber = -1;
    private TsPmt pmt;
    private String ignoredPrograms;
    private final Map<Integer, PesAssembler> pes = new HashMap<>();
    private final Map<Integer, TsElementaryStream> streams = new HashMap<>();
    private final Consumer<PesPacket> pesOut = this::deliver;

    TsDemuxer(ByteBufAllocator alloc, Consumer<String> problems, Listener listener) {
        this.alloc = alloc;
        this.problems = problems;
        this.listener = listener;
        this.reader = new TsPacketReader(problems);
        this.pat = new PsiSectionAssembler(TsPat.PID, problems);
        Arrays.fill(lastCc, (byte) -1);
    }

    /** Demuxes the readable bytes of {@code data}; never retains, releases or moves it. */
    void feed(ByteBuf data) {
        reader.feed(data, this::packet);
    }

    /** Why programs of the PAT other than the one read are ignored, or null when there is only one. */
    String ignoredPrograms() {
        return ignoredPrograms;
    }

    private void packet(ByteBuf buf, int at) {
        TsPacket p;
        try {
            p = TsPacket.parse(buf, at);
        } catch (TsFormatException e) {
            problems.accept(e.getMessage() + "; packet skipped");
            return;
        }
        int pid = p.pid();
        boolean psi = pid == TsPat.PID || pid == pmtPid;
        PesAssembler assembler = psi ? null : pes.get(pid);
        if (pid == TsPacket.NULL_PID || (!psi && assembler == null)) {
            return;
        }
        if (p.transportError()) {
            problems.accept("PID " + TsPacket.pidName(pid) + ": packet with transport_error_indicator skipped");
            return;
        }
        if (p.scrambled()) {
            if (!scrambledReported.get(pid)) {
                scrambledReported.set(pid);
                problems.accept("PID " + TsPacket.pidName(pid) + " is scrambled; its packets are dropped");
            }
            return;
        }
        if (!continuityOk(p, psi, assembler)) {
            return;
        }
        if (psi) {
            (pid == TsPat.PID ? pat : pmtSections).push(p, buf, pid == TsPat.PID ? this::patSection : this::pmtSection);
        } else {
            assembler.push(p, buf, pesOut);
        }
    }

    /** Checks the continuity counter; false for a duplicate. A gap drops what was in progress on the PID. */
    private boolean continuityOk(TsPacket p, boolean psi, PesAssembler assembler) {
        if (!p.hasPayload()) {
            return true; // the counter only counts packets with payload
        }
        int last = lastCc[p.pid()];
        lastCc[p.pid()] = (byte) p.cc();
        if (last < 0 || p.discontinuity()) {
            return true;
        }
        if (p.cc() == last) {
            return false;
        }
        if (p.cc() != ((last + 1) & 0x0f)) {
            problems.accept("PID " + TsPacket.pidName(p.pid()) + ": continuity counter jumped from " + last + " to "
                    + p.cc() + " (packets lost); data in progress dropped");
            if (psi) {
                (p.pid() == TsPat.PID ? pat : pmtSections).reset();
            } else {
                assembler.lost();
            }
        }
        return true;
    }

    private void patSection(byte[] s, int length) {
        TsPat table;
        try {
            table = TsPat.parse(s, length);
        } catch (TsFormatException e) {
            problems.accept("PAT: " + e.getMessage());
            return;
        }
        if (table == null || table.programs().isEmpty()) {
            return;
        }
        TsPat.Program first = table.programs().getFirst();
        ignoredPrograms = table.programs().size() == 1 ? null
                : "the PAT lists " + table.programs().size() + " programs; only program " + first.number() + " is read";
        if (first.pmtPid() != pmtPid || first.number() != programNumber) {
            pmtPid = first.pmtPid();
            programNumber = first.number();
            pmtSections = new PsiSectionAssembler(pmtPid, problems);
            lastCc[pmtPid] = -1;
            pmt = null;
        }
    }

    private void pmtSection(byte[] s, int length) {
        TsPmt table;
        try {
            table = TsPmt.parse(s, length);
        } catch (TsFormatException e) {
            problems.accept("PMT on PID " + TsPacket.pidName(pmtPid) + ": " + e.getMessage());
            return;
        }
        if (table == null || table.programNumber() != programNumber
                || (pmt != null && pmt.version() == table.version())) {
            return; // not current, another program's map sharing the PID, or a repetition
        }
        pmt = table;
        Map<Integer, TsElementaryStream> next = new HashMap<>();
        for (TsElementaryStream es : table.streams()) {
            if (es.codec() != null) {
                next.put(es.pid(), es);
            }
        }
        for (Map.Entry<Integer, TsElementaryStream> old : streams.entrySet()) {
            TsElementaryStream now = next.get(old.getKey());
            if (now == null || now.codec() != old.getValue().codec()) {
                pes.remove(old.getKey()).close();
            }
        }
        for (TsElementaryStream es : next.values()) {
            pes.computeIfAbsent(es.pid(), pid -> {
                lastCc[pid] = -1;
                return new PesAssembler(pid, alloc, problems);
            });
        }
        streams.clear();
        streams.putAll(next);
        listener.onPmt(table);
    }

    private void deliver(PesPacket p) {
        TsElementaryStream es = streams.get(p.pid());
        if (es == null) {
            p.release();
            return;
        }
        listener.onPes(es, p);
    }

    @Override
    public void close() {
        for (PesAssembler a : pes.values()) {
            a.close();
        }
        pes.clear();
        streams.clear();
    }
}
