package io.sluice.forward;

import io.netty.channel.Channel;

/**
 * WriteStallCheck closes a target's connection when it has taken no data for longer than the write
 * timeout. A stalled target otherwise only drops packets forever; closed, its runner reconnects.
 * Call {@link #run()} periodically on the channel's event loop.
 */
public final class WriteStallCheck implements Runnable {
    private final Channel ch;
    private final long timeoutNanos;
    /** When the connection stopped taking data, 0 while writable; loop thread only. */
    private long unwritableSinceNanos;
    private volatile boolean stalled;

    public WriteStallCheck(Channel ch, java.time.Duration timeout) {
        this.ch = ch;
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void run() {
        if (ch.isWritable()) {
            unwritableSinceNanos = 0;
        } else if (unwritableSinceNanos == 0) {
            unwritableSinceNanos = System.nanoTime();
        } else if (System.nanoTime() - unwritableSinceNanos > timeoutNanos) {
            stalled = true;
            ch.close();
        }
    }

    /** Whether the check closed the connection. */
    public boolean stalled() {
        return stalled;
    }

    /** The error a runner should report after a stall. */
    public String message() {
        return "target took no data for " + timeoutNanos / 1_000_000 + " ms (writeTimeout)";
    }
}
