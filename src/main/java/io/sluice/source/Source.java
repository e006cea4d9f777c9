package io.sluice.source;

/**
 * Source is one protocol's session with a remote stream a path pulls (a camera, an upstream server): connect,
 * learn the tracks, publish them on the path, then write what arrives until the session ends. A new Source is
 * made for every attempt; the retry loop lives in the source runner, as a forward target's lives in its
 * {@link io.sluice.forward.Dest}'s runner.
 */
public interface Source extends AutoCloseable {

    /**
     * Connects, sets the session up, publishes the path with {@link SourceContext#publish} once the tracks are
     * known, and writes every packet to the publisher's stream, on {@link SourceContext#loop()}, until the
     * session ends. Closes the publisher it got before returning. Returns normally when the remote ended the
     * stream; throws when the session failed (the message names what failed: host, status, codec).
     *
     * @throws InterruptedException when the runner is stopping
     */
    void run(SourceContext ctx) throws Exception;

    /** Unblocks {@link #run} and frees the session's sockets. Idempotent; callable from any thread. */
    @Override
    void close();
}
