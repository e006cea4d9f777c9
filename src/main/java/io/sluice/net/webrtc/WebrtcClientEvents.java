package io.sluice.net.webrtc;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * WebrtcClientEvents turns a client transport's events into the two waits every WebRTC client session makes
 * (a WHIP target, a WHEP source): until ICE and DTLS are done, then until the peer connection ends or the
 * session is closed. The peer's packets go on to the session's {@link Packets}.
 */
public final class WebrtcClientEvents implements WebrtcTransport.Listener {

    /** Where the peer's decrypted packets go, on the transport's thread; ownership moves with them. */
    public interface Packets {
        void onRtp(ByteBuf rtp, long receivedNanos);

        void onRtcp(ByteBuf rtcp, long receivedNanos);
    }

    private final Packets packets;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    /** Null when closed by {@link #close()}, else why the peer connection ended. */
    private final CompletableFuture<Throwable> ended = new CompletableFuture<>();

    public WebrtcClientEvents(Packets packets) {
        this.packets = packets;
    }

    /**
     * Waits for ICE and DTLS.
     *
     * @param peer "host:port" of the remote, for the message
     * @throws IOException naming the peer when not connected within {@code timeout}, or why it failed
     */
    public void awaitConnected(WebrtcTransport t, String peer, Duration timeout)
            throws IOException, InterruptedException {
        try {
            connected.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("ICE/DTLS with " + peer + " not connected after " + timeout.toMillis() + " ms ("
                    + t.state() + ")");
        } catch (ExecutionException e) {
            throw new IOException("peer connection failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Waits up to {@code millis} for the session to end.
     *
     * @return true when it was closed, false when it still runs
     * @throws IOException when the peer connection ended, with why
     */
    public boolean awaitEnd(long millis) throws IOException, InterruptedException {
        try {
            Throwable cause = ended.get(millis, TimeUnit.MILLISECONDS);
            if (cause != null) {
                throw new IOException("peer connection ended: " + cause.getMessage(), cause);
            }
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) { // ended is only ever completed normally
            throw new IOException(e.getCause());
        }
    }

    /** Ends both waits: {@link #awaitConnected} fails, {@link #awaitEnd} returns true. Any thread. */
    public void close() {
        ended.complete(null);
        connected.completeExceptionally(new InterruptedException("closed"));
    }

    @Override
    public void onConnected() {
        connected.complete(null);
    }

    @Override
    public void onRtp(ByteBuf rtp, long receivedNanos) {
        packets.onRtp(rtp, receivedNanos);
    }

    @Override
    public void onRtcp(ByteBuf rtcp, long receivedNanos) {
        packets.onRtcp(rtcp, receivedNanos);
    }

    @Override
    public void onClosed(Throwable cause) {
        connected.completeExceptionally(cause != null ? cause : new IOException("closed"));
        ended.complete(cause == null ? new IOException("peer connection closed") : cause);
    }
}
