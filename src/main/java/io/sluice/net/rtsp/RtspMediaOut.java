package io.sluice.net.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * RtspMediaOut is how the packets of an RTSP session leave: interleaved in the control connection
 * (RFC 2326 §10.12) or over UDP (§12.39). It is the one part of {@link RtspStreamWriter} that differs
 * between the two, and between a local reader and a forward target (which ports, which sockets).
 *
 * <p>Used only on the event loop its sockets live on.
 */
public sealed interface RtspMediaOut permits RtspInterleavedOut, RtspUdpOut {
    /**
     * Interleaved in the control connection.
     *
     * @param rtpChannels interleaved channel of each media's RTP, -1 for a media not set up
     * @param rtcpChannels interleaved channel of each media's RTCP
     */
    static RtspMediaOut interleaved(Channel control, int[] rtpChannels, int[] rtcpChannels) {
        return new RtspInterleavedOut(control, rtpChannels, rtcpChannels);
    }

    /**
     * Over UDP. A server sends every session's packets from its one RTP/RTCP socket pair (the same
     * channel in each slot); a target has a pair of its own per media.
     *
     * @param rtp socket each media's RTP leaves from
     * @param rtcp socket each media's RTCP leaves from
     * @param rtpTo where each media's RTP goes, null for a media not set up
     * @param rtcpTo where each media's RTCP goes
     */
    static RtspMediaOut udp(Channel[] rtp, Channel[] rtcp, InetSocketAddress[] rtpTo, InetSocketAddress[] rtcpTo) {
        return new RtspUdpOut(rtp, rtcp, rtpTo, rtcpTo);
    }

    /** Whether the media was set up (its packets have somewhere to go). */
    boolean carries(int media);

    /** False while the sockets' send buffers are full. */
    boolean isWritable();

    /** False for UDP: the peer's receive buffer overflows instead of pushing back. */
    boolean pushesBack();

    /** Writes one RTP packet of a media without flushing; takes ownership of {@code packet}. */
    void rtp(int media, ByteBuf packet);

    /** Writes and flushes one RTCP packet of a media; takes ownership of {@code packet}. */
    void rtcp(int media, ByteBuf packet);

    /** Flushes what {@link #rtp} wrote. */
    void flush();

    /** The channel whose allocator builds the RTCP packets. */
    Channel allocChannel();
}
