package io.sluice.protocol.mpegts;

import io.sluice.stream.AccessUnit;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * TsProbeHold keeps the access units made while {@link TsToStream} probes, in arrival order, so that
 * the stream starts with them, and measures the PTS span they cover. It holds at most
 * {@link #MAX_UNITS} units and {@link #MAX_BYTES} bytes, dropping the oldest beyond: a publisher whose
 * track configuration never comes must not make the server buffer without end.
 *
 * <p>Owns one reference to each access unit it holds. Not thread-safe: the thread that feeds the TsToStream.
 */
final class TsProbeHold implements AutoCloseable {
    /** Most access units held (a track whose configuration never comes). */
    static final int MAX_UNITS = 1024;
    /** Most bytes held. */
    static final long MAX_BYTES = 32L << 20;

    /** One held access unit, with its track and when its data arrived. */
    record Held(TsTrack track, AccessUnit au, long receivedNanos) {
    }

    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private final Consumer<String> problems;
    private long bytes;
    private boolean limitReached;
    private long firstPts = PesHeader.NONE;
    private long lastPts = PesHeader.NONE;

    TsProbeHold(Consumer<String> problems) {
        this.problems = problems;
    }

    /** Holds the access units of one PES (ownership moves here); {@code pts} is its unwrapped PTS or NONE. */
    void add(TsTrack track, List<AccessUnit> aus, long pts, long receivedNanos) {
        if (pts != PesHeader.NONE) {
            firstPts = firstPts == PesHeader.NONE ? pts : Math.min(firstPts, pts);
            lastPts = Math.max(lastPts, pts);
        }
        for (AccessUnit au : aus) {
            held.addLast(new Held(track, au, receivedNanos));
            bytes += au.size();
        }
        while (held.size() > MAX_UNITS || bytes > MAX_BYTES) {
            if (!limitReached) {
                problems.accept("more than " + MAX_UNITS + " access units or " + MAX_BYTES
                        + " bytes before the stream could start; the oldest are dropped");
            }
            limitReached = true;
            release(held.removeFirst());
        }
    }

    /** Whether units had to be dropped: the stream should start now. */
    boolean limitReached() {
        return limitReached;
    }

    /** 90 kHz ticks between the lowest and the highest PTS seen, 0 before two are known. */
    long ptsSpan() {
        return firstPts == PesHeader.NONE ? 0 : lastPts - firstPts;
    }

    /** Releases the units of tracks that a new PMT dropped or replaced. */
    void keepOnly(Map<Integer, TsTrack> tracks) {
        held.removeIf(h -> {
            boolean gone = tracks.get(h.track().stream.pid()) != h.track();
            if (gone) {
                release(h);
            }
            return gone;
        });
    }

    /** The oldest held unit, whose ownership moves to the caller, or null. */
    Held poll() {
        Held h = held.pollFirst();
        if (h != null) {
            bytes -= h.au().size();
        }
        return h;
    }

    private void release(Held h) {
        bytes -= h.au().size();
        h.au().release();
    }

    @Override
    public void close() {
        for (Held h = held.pollFirst(); h != null; h = held.pollFirst()) {
            release(h);
        }
    }
}
