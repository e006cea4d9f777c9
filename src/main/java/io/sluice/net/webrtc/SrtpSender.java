package io.sluice.net.webrtc;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send path of a transport: copy, SRTP/SRTCP protect, send on the selected pair. Callable from any
 * thread (Netty event loops): one lock and one buffer for RTP and another for RTCP, because jitsi-srtp
 * contexts are not thread-safe; a UDP send does not block for long, so holding the lock across it is fine.
 */
final class SrtpSender {
    private static final Logger LOG = LoggerFactory.getLogger(SrtpSender.class);

    private final IceSession ice;
    private final SrtpBuffer rtpOut = new SrtpBuffer(1600);
    private final SrtpBuffer rtcpOut = new SrtpBuffer(1600);
    final LongAdder packets = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder dropped = new LongAdder();

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
            packet.getBytes(packet.readerIndex(), out.array(len + 64), 0, len);
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

    /** Runs {@code r} while no send is in progress (to close the SRTP contexts under both locks). */
    void quiesce(Runnable r) {
        synchronized (rtpOut) {
            synchronized (rtcpOut) {
                r.run();
            }
        }
    }
}
