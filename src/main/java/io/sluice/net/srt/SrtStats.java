package io.sluice.net.srt;

/**
 * SrtStats is a snapshot of one SRT connection's counters ({@code srt_bstats}). Counters are totals
 * since the connection started; the two rates cover the interval since the last
 * {@code stats(true)} (libsrt's "local" measurements).
 *
 * @param rttMs         smoothed round-trip time
 * @param mbpsBandwidth libsrt's estimate of the link bandwidth
 * @param byteSent      bytes sent including retransmissions and SRT/UDP headers (so more than the payload)
 * @param sndBufPkts    packets sent but not yet acknowledged
 * @param sndBufMs      time span of the unacknowledged packets
 * @param latencyMs     the negotiated latency (TSBPD delay) of this connection
 * @param mbpsSendRate  send rate over the interval
 * @param mbpsRecvRate  receive rate over the interval
 */
public record SrtStats(double rttMs, double mbpsBandwidth, long pktSent, long pktRetrans, long pktSndLoss,
                       long pktSndDrop, long byteSent, long pktRecv, long pktRcvLoss, long pktRcvDrop,
                       long byteRecv, int sndBufPkts, int sndBufMs, int latencyMs, double mbpsSendRate,
                       double mbpsRecvRate) {
    /** What a closed socket reports. */
    public static final SrtStats ZERO = new SrtStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
