package io.sluice.stream;

import java.util.List;

/**
 * StreamReader receives the units of a stream: a local reader session or a forwarder.
 *
 * <p>Both methods are called on the thread that writes the stream (the publisher's event loop), in
 * order, and must never block: a reader that cannot keep up drops, it never slows the publisher.
 */
public interface StreamReader {

    /** One unit. The unit is valid only during the call; {@link Unit#retain()} it to keep it. */
    void onUnit(Unit unit);

    /**
     * The cached GOP for a reader that joins, called once, under the stream's lock, before the first
     * {@link #onUnit}: the live units that follow continue exactly after the last of these. Ownership
     * of one reference to each unit moves to the reader. Called on the joining thread, not the
     * publisher's, so it must only hand the units over: a reader that writes them out here holds the
     * publisher up for the whole GOP.
     *
     * <p>The default delivers them inline, as live units, which suits only readers without a socket.
     *
     * @param backlogBytes how many bytes of live units the reader may queue while it sends these
     *     (the GOP cache bound: a backlog shares its units with the cache)
     */
    default void onReplay(List<Unit> gop, long backlogBytes) {
        try {
            for (Unit u : gop) {
                onUnit(u);
            }
            onBatchEnd();
        } finally {
            gop.forEach(Unit::release);
        }
    }

    /** The publisher finished a batch of reads: write out what was buffered. */
    default void onBatchEnd() {
    }
}
