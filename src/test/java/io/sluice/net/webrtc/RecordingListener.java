package io.sluice.net.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects a transport's events; packets are copied to byte[] and released at once. */
final class RecordingListener implements WebrtcTransport.Listener {
    final CompletableFuture<Void> connected = new CompletableFuture<>();
    final CompletableFuture<Throwable> closed = new CompletableFuture<>();
    final List<byte[]> rtp = new CopyOnWriteArrayList<>();
    final List<byte[]> rtcp = new CopyOnWriteArrayList<>();
    volatile int closedCalls;

    @Override
    public void onConnected() {
        connected.complete(null);
    }

    @Override
    public void onRtp(ByteBuf b, long receivedNanos) {
        try {
            rtp.add(ByteBufUtil.getBytes(b));
        } finally {
            b.release();
        }
    }

    @Override
    public void onRtcp(ByteBuf b, long receivedNanos) {
        try {
            rtcp.add(ByteBufUtil.getBytes(b));
        } finally {
            b.release();
        }
    }

    @Override
    public void onClosed(Throwable cause) {
        closedCalls++;
        closed.complete(cause);
    }
}
