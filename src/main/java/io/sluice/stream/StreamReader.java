package io.sluice.stream;

/**
 * StreamReader receives the units of a stream: a local reader session or a forwarder.
 *
 * <p>Both methods are called on the thread that writes the stream (the publisher's event loop), in
 * order, and must never block: a reader that cannot keep up drops, it never slows the publisher.
 */
public interface StreamReader {

    /** One unit. The unit is valid only during the call; {@link Unit#retain()} it to keep it. */
    void onUnit(Unit unit);

    /** The publisher finished a batch of reads: write out what was buffered. */
    default void onBatchEnd() {
    }
}
