package io.sluice.net.webrtc;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.rtp.SendSideEstimator;
import io.sluice.protocol.rtp.TransportWideSequence;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send path of a transport: copy, SRTP/SRTCP protect, send on the selected pair. Callable from any
 * thread (Netty event loops): one lock and one buffer for RTP and another for RTCP, because jitsi-srtp
 * contexts are not thread-safe; a UDP send does not block for long, so holding the lock across it is fine.
 *
 * <p>With transport-wide numbering on ({@link #numberTransportWide}), each RTP packet gets the
 * transport-wide sequence number extension in the copy it makes anyway, numbered in send order under
 * the RTP lock (retransmissions included, as the draft wants), and is recorded in the estimator.
 */
final class SrtpSender {
    private static final Logger LOG = LoggerFactory.getLogger(SrtpSender.class);

    private final IceSession ice;
    private final SrtpBuffer rtpOut = new SrtpBuffer(1600);
    private final SrtpBuffer rtcpOut = new SrtpBuffer(1600);
    final LongAdder packets = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder dropped = new LongAdder();
    private volatile Numbering numbering;

    /** The negotiated extension id and where sent packets are recorded; the counter is guarded by rtpOut. */
    private static final class Numbering {
        final int extId;
        final SendSideEstimator log;
        int next;

        Numbering(int extId, SendSideEstimator log) {
            this.extId = extId;
            this.log = log;
        }
    }

    SrtpSender(IceSession ice) {
        this.ice = ice;
    }

    /** @param s the session's SRTP, null before DTLS finished or after close (the packet is dropped) */
    boolean send(SrtpSession s, ByteBuf packet, boolean rtcp) {
        int len = packet.readableBytes();
        if (s == null || len < (rtcp ? 8 : 12)) {
            dropped.increment();
            return false;
        }
        SrtpBuffer out = rtcp ? rtcpOut : rtpOut;
        synchronized (out) {
            byte[] a = out.array(len + 64 + TransportWideSequence.EXTRA_BYTES);
            Numbering n = rtcp ? null : numbering;
            int numbered = n == null ? -1 : TransportWideSequence.copyWith(packet, a, n.extId, n.next);
            if (numbered < 0) {
                packet.getBytes(packet.readerIndex(), a, 0, len);
            } else {
                n.log.sent(n.next, numbered, System.nanoTime());
                n.next = (n.next + 1) & 0xffff;
                len = numbered;
            }
            out.setLength(len);
            try {
                if (!(rtcp ? s.protectRtcp(out) : s.protectRtp(out))) {
                    dropped.increment();
                    return false;
                }
                ice.send(out.getBuffer(), out.getOffset(), out.getLength());
            } catch (IOException | GeneralSecurityException | IllegalStateException e) {
                dropped.increment();
                LOG.debug("WebRTC send failed: {}", e.toString());
                return false;
            }
        }
        packets.increment();
        bytes.add(len);
        return true;
    }

    /** From now on numbers RTP packets with the transport-wide extension {@code extId} and records them in {@code log}. */
    void numberTransportWide(int extId, SendSideEstimator log) {
        synchronized (rtpOut) {
            numbering = new Numbering(extId, log);
        }
    }

    /** Runs {@code r} while no send is in progress (to close the SRTP contexts under both locks). */
    void quiesce(Runnable r) {
        synchronized (rtpOut) {
            synchronized (rtcpOut) {
                r.run();
            }
        }
    }
}
