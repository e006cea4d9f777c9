package io.sluice.stream;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AccessUnitAssembly rebuilds the access units of a {@link Stream}'s media once for all the readers
 * that need whole frames (RTMP, MPEG-TS), attaching each completed unit to the packet that completed
 * it. It starts only when the first such reader joins, so pure-RTP streams never pay for depacketizing.
 *
 * <p>Not thread-safe: every call is made under the owning stream's lock, except {@link #badPackets()}.
 */
final class AccessUnitAssembly {
    private static final Logger LOG = LoggerFactory.getLogger(AccessUnitAssembly.class);

    private final IntFunction<? extends Stream.AuAssembler> assemblerFor;
    private final int mediaCount;
    /** One assembler per media (null entries for media without), or null while not started. */
    private Stream.AuAssembler[] assemblers;
    private final LongAdder badPackets = new LongAdder();
    private long lastBadWarnNanos;

    AccessUnitAssembly(int mediaCount, IntFunction<? extends Stream.AuAssembler> assemblerFor) {
        this.mediaCount = mediaCount;
        this.assemblerFor = assemblerFor;
    }

    boolean started() {
        return assemblers != null;
    }

    /**
     * Creates the assemblers and runs the cached units through them, so a late reader starts at once.
     */
    void start(List<Unit> cached) {
        Stream.AuAssembler[] a = new Stream.AuAssembler[mediaCount];
        for (int i = 0; i < a.length; i++) {
            a[i] = assemblerFor.apply(i);
        }
        for (Unit u : cached) {
            if (a[u.media()] != null && u.accessUnits().isEmpty()) {
                assemble(a[u.media()], u);
            }
        }
        assemblers = a;
    }

    /** Feeds one packet to its media's assembler, if started and the media has one. */
    void push(Unit unit) {
        if (assemblers != null && assemblers[unit.media()] != null) {
            assemble(assemblers[unit.media()], unit);
        }
    }

    private void assemble(Stream.AuAssembler a, Unit unit) {
        try {
            List<AccessUnit> aus = a.push(unit.rtp());
            if (!aus.isEmpty()) {
                unit.attach(aus);
            }
        } catch (RuntimeException e) {
            badPackets.increment();
            long now = System.nanoTime();
            if (now - lastBadWarnNanos > 1_000_000_000L) {
                lastBadWarnNanos = now;
                LOG.warn("media {}: cannot rebuild access units ({} bad packets so far): {}", unit.media(),
                        badPackets.sum(), e.getMessage());
            }
        }
    }

    /** For a new publisher: fresh assemblers if started (nothing of the old one's frames carries over). */
    void restart(List<Unit> cached) {
        if (assemblers != null) {
            closeAssemblers();
            start(cached);
        }
    }

    /** Closes the assemblers; a later {@link #start} makes new ones. */
    void close() {
        if (assemblers != null) {
            closeAssemblers();
            assemblers = null;
        }
    }

    private void closeAssemblers() {
        for (Stream.AuAssembler a : assemblers) {
            if (a != null) {
                a.close();
            }
        }
    }

    /** RTP packets the assemblers could not parse. Any thread. */
    long badPackets() {
        return badPackets.sum();
    }
}
