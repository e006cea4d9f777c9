package io.sluice.net.srt;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * SrtPerfMon is libsrt 1.5's {@code struct CBytePerfMon} (SRT_TRACEBSTATS), the output of
 * {@code srt_bstats}, declared field by field in header order with C alignment applied, so no
 * offset is written by hand.
 *
 * <p>Verified: SrtPerfMonTest compares the offset of every one of the 82 fields and the size
 * (496 bytes) with {@code offsetof}/{@code sizeof} printed by a C program compiled against
 * libsrt-openssl-dev 1.5.1's srt.h (src/test/resources/srt/cbyteperfmon-offsets.*).
 */
final class SrtPerfMon {
    static final StructLayout LAYOUT = cStruct(
            // global measurements
            l("msTimeStamp"), l("pktSentTotal"), l("pktRecvTotal"), i("pktSndLossTotal"), i("pktRcvLossTotal"),
            i("pktRetransTotal"), i("pktSentACKTotal"), i("pktRecvACKTotal"), i("pktSentNAKTotal"),
            i("pktRecvNAKTotal"), l("usSndDurationTotal"), i("pktSndDropTotal"), i("pktRcvDropTotal"),
            i("pktRcvUndecryptTotal"), l("byteSentTotal"), l("byteRecvTotal"), l("byteRcvLossTotal"),
            l("byteRetransTotal"), l("byteSndDropTotal"), l("byteRcvDropTotal"), l("byteRcvUndecryptTotal"),
            // local measurements (reset by clear)
            l("pktSent"), l("pktRecv"), i("pktSndLoss"), i("pktRcvLoss"), i("pktRetrans"), i("pktRcvRetrans"),
            i("pktSentACK"), i("pktRecvACK"), i("pktSentNAK"), i("pktRecvNAK"), d("mbpsSendRate"),
            d("mbpsRecvRate"), l("usSndDuration"), i("pktReorderDistance"), d("pktRcvAvgBelatedTime"),
            l("pktRcvBelated"), i("pktSndDrop"), i("pktRcvDrop"), i("pktRcvUndecrypt"), l("byteSent"),
            l("byteRecv"), l("byteRcvLoss"), l("byteRetrans"), l("byteSndDrop"), l("byteRcvDrop"),
            l("byteRcvUndecrypt"),
            // instant measurements
            d("usPktSndPeriod"), i("pktFlowWindow"), i("pktCongestionWindow"), i("pktFlightSize"), d("msRTT"),
            d("mbpsBandwidth"), i("byteAvailSndBuf"), i("byteAvailRcvBuf"), d("mbpsMaxBW"), i("byteMSS"),
            i("pktSndBuf"), i("byteSndBuf"), i("msSndBuf"), i("msSndTsbPdDelay"), i("pktRcvBuf"),
            i("byteRcvBuf"), i("msRcvBuf"), i("msRcvTsbPdDelay"), i("pktSndFilterExtraTotal"),
            i("pktRcvFilterExtraTotal"), i("pktRcvFilterSupplyTotal"), i("pktRcvFilterLossTotal"),
            i("pktSndFilterExtra"), i("pktRcvFilterExtra"), i("pktRcvFilterSupply"), i("pktRcvFilterLoss"),
            i("pktReorderTolerance"),
            // new in 1.5.0
            l("pktSentUniqueTotal"), l("pktRecvUniqueTotal"), l("byteSentUniqueTotal"), l("byteRecvUniqueTotal"),
            l("pktSentUnique"), l("pktRecvUnique"), l("byteSentUnique"), l("byteRecvUnique"));

    /**
     * What to allocate for srt_bstats: srt.h promises new fields are only appended, and a later
     * 1.5.x library writes its whole, possibly larger, struct into our buffer.
     */
    static final long ALLOC_SIZE = 2 * LAYOUT.byteSize();

    private static final long RTT = off("msRTT"), BANDWIDTH = off("mbpsBandwidth"), PKT_SENT = off("pktSentTotal"),
            PKT_RETRANS = off("pktRetransTotal"), PKT_SND_LOSS = off("pktSndLossTotal"),
            PKT_SND_DROP = off("pktSndDropTotal"), BYTE_SENT = off("byteSentTotal"), PKT_RECV = off("pktRecvTotal"),
            PKT_RCV_LOSS = off("pktRcvLossTotal"), PKT_RCV_DROP = off("pktRcvDropTotal"),
            BYTE_RECV = off("byteRecvTotal"), SND_BUF_PKTS = off("pktSndBuf"), SND_BUF_MS = off("msSndBuf"),
            SND_DELAY = off("msSndTsbPdDelay"), RCV_DELAY = off("msRcvTsbPdDelay"),
            SEND_RATE = off("mbpsSendRate"), RECV_RATE = off("mbpsRecvRate");

    private SrtPerfMon() {}

    static SrtStats read(MemorySegment m) {
        // Both directions negotiate the same TSBPD delay in live mode; a side that has not
        // exchanged the handshake extension for one direction reports 0 there.
        int latency = Math.max(m.get(JAVA_INT, SND_DELAY), m.get(JAVA_INT, RCV_DELAY));
        return new SrtStats(m.get(JAVA_DOUBLE, RTT), m.get(JAVA_DOUBLE, BANDWIDTH), m.get(JAVA_LONG, PKT_SENT),
                m.get(JAVA_INT, PKT_RETRANS), m.get(JAVA_INT, PKT_SND_LOSS), m.get(JAVA_INT, PKT_SND_DROP),
                m.get(JAVA_LONG, BYTE_SENT), m.get(JAVA_LONG, PKT_RECV), m.get(JAVA_INT, PKT_RCV_LOSS),
                m.get(JAVA_INT, PKT_RCV_DROP), m.get(JAVA_LONG, BYTE_RECV), m.get(JAVA_INT, SND_BUF_PKTS),
                m.get(JAVA_INT, SND_BUF_MS), latency, m.get(JAVA_DOUBLE, SEND_RATE), m.get(JAVA_DOUBLE, RECV_RATE));
    }

    static long off(String field) {
        return LAYOUT.byteOffset(PathElement.groupElement(field));
    }

    /** int64_t / uint64_t (unsigned values stay far below 2^63). */
    private static MemoryLayout l(String name) {
        return JAVA_LONG.withName(name);
    }

    private static MemoryLayout i(String name) {
        return JAVA_INT.withName(name);
    }

    private static MemoryLayout d(String name) {
        return JAVA_DOUBLE.withName(name);
    }

    /** A struct as a C compiler lays it out on x86-64/aarch64: each field at its natural alignment, size rounded up. */
    static StructLayout cStruct(MemoryLayout... fields) {
        List<MemoryLayout> out = new ArrayList<>();
        long offset = 0;
        long maxAlign = 1;
        for (MemoryLayout f : fields) {
            long gap = -offset & (f.byteAlignment() - 1);
            if (gap > 0) {
                out.add(MemoryLayout.paddingLayout(gap));
            }
            out.add(f);
            offset += gap + f.byteSize();
            maxAlign = Math.max(maxAlign, f.byteAlignment());
        }
        long tail = -offset & (maxAlign - 1);
        if (tail > 0) {
            out.add(MemoryLayout.paddingLayout(tail));
        }
        return MemoryLayout.structLayout(out.toArray(MemoryLayout[]::new));
    }
}
