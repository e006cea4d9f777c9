package io.sluice.source.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.sluice.conf.Redact;
import io.sluice.net.rtsp.RtspClientConn;
import io.sluice.net.rtsp.RtspClientSession;
import io.sluice.protocol.rtsp.InterleavedFrame;
import io.sluice.protocol.rtsp.RtspHeaders;
import io.sluice.protocol.rtsp.RtspResponse;
import io.sluice.protocol.rtsp.RtspSessionHeader;
import io.sluice.protocol.rtsp.RtspTransportHeader;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * RtspSourceSetup sends a pull session's SETUPs (RFC 2326 §10.4, mode play) and keeps what their answers
 * say: the interleaved channels the camera chose (it may pick others than asked), its UDP ports, and the
 * session timeout the keepalives follow.
 *
 * <p>SETUPs run on the runner's thread; after PLAY the tables are only read, on the event loop.
 */
final class RtspSourceSetup {
    private final RtspClientSession cs;
    private final boolean tcp;
    private final RtspSourceUdp udp;
    private final Consumer<Channel> opened;
    /** Interleaved channel → media, for RTP and RTCP alike; -1 for channels not set up. */
    private final int[] mediaByChannel = new int[256];
    /** Media → the interleaved channel its RTCP goes back on. */
    private final int[] rtcpChannel = new int[256];
    private int timeoutSeconds = -1;

    /** @param udp the UDP sockets, or null over TCP */
    RtspSourceSetup(RtspClientSession cs, boolean tcp, RtspSourceUdp udp, Consumer<Channel> opened) {
        this.cs = cs;
        this.tcp = tcp;
        this.udp = udp;
        this.opened = opened;
        Arrays.fill(mediaByChannel, -1);
    }

    /** Sets up one media; over UDP throws {@link RtspSource.UdpRefused} when the camera will not send so. */
    void media(int media, String setupUrl) throws Exception {
        RtspHeaders h = new RtspHeaders();
        if (tcp) {
            h.set("Transport", "RTP/AVP/TCP;unicast;interleaved=" + (2 * media) + "-" + (2 * media + 1));
        } else {
            int p = udp.bind(media, opened);
            h.set("Transport", "RTP/AVP;unicast;client_port=" + p + "-" + (p + 1));
        }
        RtspResponse r = cs.request("SETUP", setupUrl, h, null);
        if (!tcp && (r.status() == 461 || r.status() == 400 || r.status() == 406)) {
            throw new RtspSource.UdpRefused("the camera refused UDP (" + r.status() + " " + r.reason() + ")",
                    media == 0);
        }
        if (r.status() != 200) {
            throw new IOException("SETUP " + Redact.url(setupUrl) + " refused: " + r.status() + " " + r.reason());
        }
        cs.takeId(r);
        String sh = r.headers().get("Session");
        if (timeoutSeconds < 0 && sh != null) {
            timeoutSeconds = RtspSessionHeader.parse(sh).timeoutSeconds();
        }
        String th = r.headers().get("Transport");
        List<RtspTransportHeader> answer = th == null ? List.of() : RtspTransportHeader.parseAll(th);
        RtspTransportHeader t = answer.isEmpty() ? null : answer.getFirst();
        if (tcp) {
            int rtp = t != null && t.interleaved() != null ? t.interleaved().rtp() : 2 * media;
            int rtcp = t != null && t.interleaved() != null ? t.interleaved().rtcp() : rtp + 1;
            if (rtp < 0 || rtp > 255 || rtcp < 0 || rtcp > 255) {
                throw new IOException("SETUP answer has interleaved channels out of 0-255: " + th);
            }
            mediaByChannel[rtp] = media;
            mediaByChannel[rtcp] = media;
            rtcpChannel[media] = rtcp;
        } else {
            if (t == null || t.lower() == RtspTransportHeader.Lower.TCP) {
                throw new RtspSource.UdpRefused("the camera answered a UDP SETUP with " + th, media == 0);
            }
            RtspTransportHeader.PortRange sp = t.serverPort();
            udp.serverPorts(media, sp == null ? -1 : sp.rtp(), sp == null ? -1 : sp.rtcp());
        }
    }

    /** From now on the camera's packets go to {@code ingest}: interleaved in {@code conn}, or from the UDP sockets. */
    void route(RtspClientConn conn, RtspSourceIngest ingest) {
        if (tcp) {
            conn.onRtp((c, rtp) -> ingest.rtp(mediaOfChannel(c), rtp, System.nanoTime()));
            conn.onRtcp((c, rtcp) -> ingest.rtcp(mediaOfChannel(c), rtcp, System.nanoTime()));
            conn.onReadComplete(ingest::batchEnd);
        } else {
            udp.ingest(ingest);
        }
    }

    /** The media of an interleaved channel, -1 when none was set up on it. */
    int mediaOfChannel(int channel) {
        return channel >= 0 && channel < 256 ? mediaByChannel[channel] : -1;
    }

    /** The session timeout the camera gave at SETUP, or {@code otherwise}. */
    int timeoutSeconds(int otherwise) {
        return timeoutSeconds > 0 ? timeoutSeconds : otherwise;
    }

    /** Sends RTCP about a media back to the camera, the way its RTP came; takes ownership of {@code rtcp}. */
    void sendRtcp(Channel control, int media, ByteBuf rtcp) {
        if (tcp) {
            control.writeAndFlush(new InterleavedFrame(rtcpChannel[media], rtcp));
        } else {
            udp.sendRtcp(media, rtcp);
        }
    }
}
