package io.sluice.net.webrtc;

import java.util.Objects;

/**
 * IcePair is how a peer connection's media goes, as the API shows it: the selected ICE candidate pair's
 * transport and its two ends (mediamtx's {@code localCandidate}/{@code remoteCandidate} of a WebRTC session).
 *
 * @param transport "relay" when either end is a TURN-relayed candidate (the media goes through a TURN
 *     server), else "udp" or "tcp" (ICE-TCP, RFC 6544)
 * @param localCandidate this side's candidate, "ip:port" ("[v6]:port"): for "relay" on the client side the
 *     TURN server's relayed address
 * @param remoteCandidate the peer's candidate, "ip:port"
 */
public record IcePair(String transport, String localCandidate, String remoteCandidate) {
    public IcePair {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(localCandidate, "localCandidate");
        Objects.requireNonNull(remoteCandidate, "remoteCandidate");
    }

    /**
     * The transport of a pair from its ends' kinds (the rule of the class comment).
     *
     * @param localRelayed the local candidate is a relayed one (typ relay)
     * @param remoteRelayed the remote candidate is a relayed one
     * @param tcp the local candidate is a TCP one
     */
    static String transport(boolean localRelayed, boolean remoteRelayed, boolean tcp) {
        return localRelayed || remoteRelayed ? "relay" : tcp ? "tcp" : "udp";
    }

    /** "local <-> remote transport", as the connect log line shows it. */
    @Override
    public String toString() {
        return localCandidate + " <-> " + remoteCandidate + " " + transport;
    }
}
