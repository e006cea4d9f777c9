package io.sluice.net.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.sluice.protocol.rtsp.InterleavedFrame;

/** RtspInterleavedOut sends a session's RTP and RTCP interleaved in its control connection (RFC 2326 §10.12). */
final class RtspInterleavedOut implements RtspMediaOut {
    private final Channel control;
    private final int[] rtpChannels;
    private final int[] rtcpChannels;

    RtspInterleavedOut(Channel control, int[] rtpChannels, int[] rtcpChannels) {
        this.control = control;
        this.rtpChannels = rtpChannels.clone();
        this.rtcpChannels = rtcpChannels.clone();
    }

    @Override
    public boolean carries(int media) {
        return rtpChannels[media] >= 0;
    }

    @Override
    public boolean isWritable() {
        return control.isWritable();
    }

    @Override
    public boolean pushesBack() {
        return true;
    }

    @Override
    public void rtp(int media, ByteBuf packet) {
        control.write(new InterleavedFrame(rtpChannels[media], packet), control.voidPromise());
    }

    @Override
    public void rtcp(int media, ByteBuf packet) {
        control.writeAndFlush(new InterleavedFrame(rtcpChannels[media], packet), control.voidPromise());
    }

    @Override
    public void flush() {
        control.flush();
    }

    @Override
    public Channel allocChannel() {
        return control;
    }
}
