package io.sluice.forward;

/**
 * Dest is one protocol's session with one forward target: connect, set up, then push the stream until
 * the session fails. A new Dest is made for every attempt; the retry loop lives in {@link DestRunner}.
 */
public interface Dest extends AutoCloseable {

    /**
     * Connects, sets the session up, attaches to the stream and forwards until the session ends.
     * Returns normally when the remote closed the session; throws when it failed. Called on a
     * control thread that blocks here; packets themselves flow on the stream's event loop.
     *
     * @throws InterruptedException when the runner is stopping
     */
    void run(DestContext ctx) throws Exception;

    /** Unblocks {@link #run} and frees the session's sockets. Idempotent; callable from any thread. */
    @Override
    void close();
}
