package io.sluice.protocol.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.protocol.rtp.PublisherSenderReports;
import io.sluice.protocol.rtp.ReceptionStats;
import io.sluice.protocol.rtp.RtcpFeedback;
import io.sluice.protocol.rtp.RtpDropRenumbering;
import io.sluice.stream.Stream;
import java.util.ArrayList;
import java.util.List;

/**
 * WebrtcToStream is WebRTC's protocol→stream mapper (as RtmpToStream and TsToStream are for theirs): it
 * routes a WHIP publisher's decrypted RTP packets to the media of its stream: by SSRC, or
 * by payload type for a source the offer did not announce; RTX packets (RFC 4588) are turned back into
 * the packets they repair. It keeps the reception statistics behind NACKs and receiver reports.
 *
 * <p>What it drops — padding-only packets (a sender's bandwidth probes), second copies of a packet
 * (retransmissions of a packet that was only late) — must not look like loss downstream: padding
 * counts as received for the statistics (so it is neither NACKed nor reported lost, which would make the
 * sender back off), and each media's forwarded sequence numbers are renumbered past the dropped ones
 * ({@link RtpDropRenumbering}); timestamps are not touched.
 *
 * <p>Threads: {@link #write} is called on the transport's receive thread, the feedback methods on an
 * event loop; the statistics are guarded by this object's lock (uncontended in practice).
 */
public final class WebrtcToStream {
    /** Packets further back than this are not NACKed any more: too late for a live reader. */
    static final int NACK_WINDOW = 256;

    private final Stream stream;
    private final ByteBufAllocator alloc;
    private final Track[] tracks;
    private long packets;
    private long dropped;
    private long duplicates;
    private long paddingOnly;

    private static final class Track {
        final IngestTrack conf;
        final boolean video;
        final int clockRate;
        /** Made at the first packet of an SSRC (a new SSRC is a new source: new statistics). */
        ReceptionStats stats;
        RtpDropRenumbering renumbering;
        long lostBefore;
        long receivedBefore;
        long ssrc;
        long rtxSsrc;
        boolean seen;

        Track(IngestTrack conf, boolean video, int clockRate) {
            this.conf = conf;
            this.video = video;
            this.clockRate = clockRate;
            this.ssrc = conf.ssrc();
            this.rtxSsrc = conf.rtxSsrc();
        }
    }

    public WebrtcToStream(Stream stream, List<IngestTrack> tracks, ByteBufAllocator alloc) {
        this.stream = stream;
        this.alloc = alloc;
        this.tracks = new Track[tracks.size()];
        for (int i = 0; i < tracks.size(); i++) {
            IngestTrack t = tracks.get(i);
            var format = stream.desc().medias().get(t.media()).format();
            this.tracks[i] = new Track(t, format.codec().isVideo(), format.clockRate());
        }
    }

    /** Takes ownership of {@code rtp}. */
    public void write(ByteBuf rtp, long receivedNanos) {
        int start = rtp.readerIndex();
        int len = rtp.readableBytes();
        if (len < 12) {
            drop(rtp);
            return;
        }
        int pt = rtp.getUnsignedByte(start + 1) & 0x7f;
        long ssrc = rtp.getUnsignedInt(start + 8);
        int payloadOffset = payloadOffset(rtp);
        int padding = (rtp.getUnsignedByte(start) & 0x20) != 0 ? rtp.getUnsignedByte(start + len - 1) : 0;
        int payloadLength = len - payloadOffset - padding;
        if (payloadOffset < 0 || payloadLength < 0) {
            drop(rtp);
            return;
        }
        for (Track t : tracks) {
            if (pt == t.conf.payloadType() && (t.ssrc == ssrc || t.ssrc < 0 || !t.seen)) {
                if (payloadLength == 0) {
                    padding(t, ssrc, rtp, receivedNanos); // bandwidth probing, nothing for readers
                    return;
                }
                accept(t, ssrc, rtp, receivedNanos);
                return;
            }
            if (t.conf.rtxPayloadType() >= 0 && pt == t.conf.rtxPayloadType()) {
                if (payloadLength < 2) {
                    rtp.release();
                    return;
                }
                ByteBuf repaired = unwrapRtx(rtp, payloadOffset, payloadLength, t);
                rtp.release();
                if (t.ssrc >= 0) {
                    accept(t, t.ssrc, repaired, receivedNanos);
                } else {
                    drop(repaired);
                }
                return;
            }
        }
        drop(rtp);
    }

    private void accept(Track t, long ssrc, ByteBuf rtp, long receivedNanos) {
        int seq = rtp.getUnsignedShort(rtp.readerIndex() + 2);
        long ts = rtp.getUnsignedInt(rtp.readerIndex() + 4);
        synchronized (this) {
            source(t, ssrc);
            if (t.stats.isDuplicate(seq)) {
                duplicates++;
                rtp.release();
                return;
            }
            t.stats.received(seq, ts, receivedNanos, t.clockRate);
            packets++;
            rtp.setShort(rtp.readerIndex() + 2, t.renumbering.map(seq));
        }
        stream.write(t.conf.media(), rtp, receivedNanos);
    }

    /** A padding-only packet on a media's own SSRC: received as far as loss goes, skipped downstream. */
    private void padding(Track t, long ssrc, ByteBuf rtp, long receivedNanos) {
        int seq = rtp.getUnsignedShort(rtp.readerIndex() + 2);
        long ts = rtp.getUnsignedInt(rtp.readerIndex() + 4);
        synchronized (this) {
            source(t, ssrc);
            if (!t.stats.isDuplicate(seq)) {
                t.stats.received(seq, ts, receivedNanos, t.clockRate);
                t.renumbering.skip(seq);
                paddingOnly++;
            }
        }
        rtp.release();
    }

    /** A new SSRC is a new source: new statistics, new numbering. Under the lock. */
    private static void source(Track t, long ssrc) {
        if (t.stats == null || t.stats.ssrc() != ssrc) {
            t.stats = new ReceptionStats(ssrc);
            t.renumbering = new RtpDropRenumbering();
            t.lostBefore = 0;
            t.receivedBefore = 0;
        }
        t.ssrc = ssrc;
        t.seen = true;
    }

    /** RFC 4588 §4: the RTX payload starts with the original sequence number. */
    private ByteBuf unwrapRtx(ByteBuf rtx, int payloadOffset, int payloadLength, Track t) {
        int start = rtx.readerIndex();
        ByteBuf out = alloc.buffer(12 + payloadLength - 2);
        out.writeByte(rtx.getUnsignedByte(start) & ~0x30 & 0xff); // no padding, no extension, no CSRC
        out.writeByte((rtx.getUnsignedByte(start + 1) & 0x80) | t.conf.payloadType());
        out.writeShort(rtx.getUnsignedShort(start + payloadOffset));
        out.writeInt(rtx.getInt(start + 4));
        out.writeInt((int) t.ssrc);
        out.writeBytes(rtx, start + payloadOffset + 2, payloadLength - 2);
        out.setByte(0, out.getUnsignedByte(0) & 0xf0); // CC = 0
        return out;
    }

    /** Offset of the payload from the packet start, or -1 when the header runs past the packet. */
    static int payloadOffset(ByteBuf rtp) {
        int start = rtp.readerIndex();
        int len = rtp.readableBytes();
        int b0 = rtp.getUnsignedByte(start);
        int off = 12 + 4 * (b0 & 0x0f);
        if ((b0 & 0x10) != 0) {
            if (off + 4 > len) {
                return -1;
            }
            off += 4 + 4 * rtp.getUnsignedShort(start + off + 2);
        }
        return off > len ? -1 : off;
    }

    private void drop(ByteBuf rtp) {
        synchronized (this) {
            dropped++;
        }
        rtp.release();
    }

    public synchronized void senderReport(long ssrc, long ntpTime, long rtpTimestamp, long receivedNanos) {
        for (Track t : tracks) {
            if (t.seen && t.ssrc == ssrc) {
                t.stats.senderReport(ntpTime, receivedNanos);
                // the publisher's RTP↔NTP mapping, which readers' and targets' sender reports carry on
                PublisherSenderReports.record(stream.senderClock(), t.conf.media(), t.clockRate, ntpTime, rtpTimestamp);
            }
        }
    }

    /** The SSRCs of all media that have sent (what a REMB applies to). */
    public synchronized List<Long> ssrcs() {
        List<Long> out = new ArrayList<>();
        for (Track t : tracks) {
            if (t.seen) {
                out.add(t.ssrc);
            }
        }
        return out;
    }

    public synchronized List<Long> videoSsrcs() {
        List<Long> out = new ArrayList<>();
        for (Track t : tracks) {
            if (t.video && t.seen) {
                out.add(t.ssrc);
            }
        }
        return out;
    }

    /** NACKs for what is missing now, for tracks that negotiated nack. The caller owns the buffers. */
    public synchronized List<ByteBuf> nacks(long ourSsrc) {
        List<ByteBuf> out = new ArrayList<>();
        for (Track t : tracks) {
            if (!t.seen || !t.conf.nack()) {
                continue;
            }
            List<Integer> missing = t.stats.missing(NACK_WINDOW);
            if (!missing.isEmpty()) {
                t.stats.nacked(missing);
                out.add(RtcpFeedback.nack(alloc, ourSsrc, t.ssrc, missing));
            }
        }
        return out;
    }

    public synchronized List<ByteBuf> receiverReports(long ourSsrc) {
        List<ByteBuf> out = new ArrayList<>();
        long now = System.nanoTime();
        for (Track t : tracks) {
            ByteBuf rr = t.seen ? t.stats.receiverReport(alloc, ourSsrc, now) : null;
            if (rr != null) {
                out.add(rr);
            }
        }
        return out;
    }

    /**
     * Packets lost / expected over all media since the previous call (0 when nothing was expected), for
     * the REMB estimate. Call from one place only: each call starts a new interval.
     */
    public synchronized double lossFractionSinceLastCall() {
        long lost = 0;
        long expected = 0;
        for (Track t : tracks) {
            if (!t.seen) {
                continue;
            }
            long l = t.stats.cumulativeLost() - t.lostBefore;
            long r = t.stats.packetsReceived() - t.receivedBefore;
            t.lostBefore = t.stats.cumulativeLost();
            t.receivedBefore = t.stats.packetsReceived();
            lost += Math.max(0, l);
            expected += Math.max(0, l) + r;
        }
        return expected == 0 ? 0 : (double) lost / expected;
    }

    /** Second copies dropped (retransmissions of packets that were only late). */
    public synchronized long duplicates() {
        return duplicates;
    }

    /** Padding-only packets (bandwidth probes) taken out of the forwarded streams. */
    public synchronized long paddingOnly() {
        return paddingOnly;
    }

    public synchronized long packets() {
        return packets;
    }

    public synchronized long dropped() {
        return dropped;
    }
}
