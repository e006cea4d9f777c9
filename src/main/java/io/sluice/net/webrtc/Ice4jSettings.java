package io.sluice.net.webrtc;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ice4jSettings holds the whole of Sluice's ice4j configuration, applied once before any ice4j
 * class loads: ice4j reads its settings (typesafe config via jicoco-config, with system properties
 * overriding its reference.conf) into static fields when its classes initialize, so setting them
 * later has no effect. Keys verified against ice4j 3.2's reference.conf.
 */
final class Ice4jSettings {
    /** JUL holds loggers weakly: keep them referenced or the levels are lost on the next GC. */
    private static final Logger[] QUIET = {Logger.getLogger("org.ice4j"), Logger.getLogger("org.jitsi"),
        Logger.getLogger("JitsiConfig")}; // jicoco-config names its logger by simple class name
    /** Warns "Removing the active socket" on every normal close of a transport. */
    private static final Logger MERGING_SOCKET = Logger.getLogger("org.ice4j.socket.MergingDatagramSocket");
    private static boolean applied;

    private Ice4jSettings() {
    }

    static synchronized void apply() {
        if (applied) {
            return;
        }
        applied = true;
        // The AWS mapping harvester probes http://169.254.169.254 for the instance's public address:
        // a network call on every start, and a hang where that address is filtered.
        setIfAbsent("ice4j.harvest.mapping.aws.enabled", "false");
        // ice4j.harvest.mapping.stun.addresses stays at its default, an empty list: no STUN mapping
        // harvester asks a public server for our address. NAT addresses are configured explicitly
        // (WebrtcUdpMux additionalHosts) and clients harvest from their own iceServers.
        // There is no UPnP key in 3.2: the UPNPHarvester runs only when added, and we never add it.
        // Link-local IPv6 host candidates cannot be reached by a remote peer and only add checks.
        setIfAbsent("ice4j.harvest.use-link-local-addresses", "false");
        // A STUN/TURN server that does not answer must not hold up the SDP answer for 15 s. (This bounds
        // harvesters on ice4j's harvest pool; Sluice's STUN/TURN harvests run inline, InlineHarvester, and
        // give up on a silent server after about 3 s too.)
        setIfAbsent("ice4j.harvest.timeout", "3 seconds");
        // Loopback: ice4j's HostCandidateHarvester skips loopback interfaces in code (no key turns
        // that off), so WebrtcUdpMux and ClientHostHarvester bind and announce 127.0.0.1 themselves.
        // ice4j logs through java.util.logging, and jul-to-slf4j is not a dependency: raise the level
        // so its INFO chatter (one line per candidate, pair and state) stays out of Sluice's log.
        for (Logger l : QUIET) {
            l.setLevel(Level.WARNING);
        }
        MERGING_SOCKET.setLevel(Level.SEVERE);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
