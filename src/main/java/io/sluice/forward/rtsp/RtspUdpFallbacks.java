package io.sluice.forward.rtsp;

import io.sluice.conf.ForwardDest;
import io.sluice.stream.Stream;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * RtspUdpFallbacks remembers the RTSP targets in {@code transport: automatic} that UDP failed for
 * (refused at SETUP, or no receiver report within the bound), so their next sessions go straight to
 * TCP instead of losing another timeout on UDP each time. It is kept per publisher's stream: a new
 * publisher (a new {@link Stream}) tries UDP again, as does a restart, since the cause may be gone.
 *
 * <p>Thread-safe; streams are held weakly, so an ended publisher's entries go with it.
 */
public final class RtspUdpFallbacks {
    private final Map<Stream, Set<ForwardDest>> tcpOnly = Collections.synchronizedMap(new WeakHashMap<>());

    /** True when UDP already failed for this target while this stream was published. */
    boolean useTcp(Stream stream, ForwardDest dest) {
        Set<ForwardDest> s = tcpOnly.get(stream);
        return s != null && s.contains(dest);
    }

    void remember(Stream stream, ForwardDest dest) {
        tcpOnly.computeIfAbsent(stream, k -> Collections.synchronizedSet(new HashSet<>())).add(dest);
    }
}
