package io.sluice.net.webrtc;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Candidate;
import org.ice4j.ice.CandidateTcpType;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;

/**
 * Converts between SDP a=candidate values (RFC 8839 §5.1) and ice4j candidates. Only component 1 is used:
 * BUNDLE with rtcp-mux leaves a single component. {@link #parse} skips remote TCP candidates: Sluice's own TCP
 * candidates are passive (RFC 6544), so the peer connects to them and ice4j learns its address from that
 * connection's first check (a peer-reflexive candidate); a browser's own TCP candidates are active, port 9.
 * A WHIP target connects to the remote's passive ones instead ({@link #parseTcpPassive}, {@link IceTcpActive}).
 */
final class IceCandidates {
    /** RFC 8445 §5.1.2.1 host type preference, shifted into the priority formula. */
    private static final long HOST_PRIORITY_BASE = 126L << 24;

    private IceCandidates() {
    }

    /**
     * "candidate:1 1 udp 2130706431 127.0.0.1 8189 typ host" without "a="; a TCP candidate gets its
     * "tcptype" (RFC 6544 §4.5).
     */
    static String format(LocalCandidate c) {
        TransportAddress a = c.getTransportAddress();
        boolean tcp = a.getTransport() == Transport.TCP;
        StringBuilder b = new StringBuilder("candidate:").append(c.getFoundation()).append(' ')
                .append(c.getParentComponent().getComponentID()).append(tcp ? " tcp " : " udp ")
                .append(c.getPriority()).append(' ')
                .append(a.getHostAddress()).append(' ').append(a.getPort()).append(" typ ")
                .append(c.getType().toString());
        TransportAddress rel = c.getRelatedAddress();
        if (rel != null && c.getType() != CandidateType.HOST_CANDIDATE) {
            b.append(" raddr ").append(rel.getHostAddress()).append(" rport ").append(rel.getPort());
        }
        if (tcp && c.getTcpType() != null) {
            b.append(" tcptype ").append(c.getTcpType());
        }
        return b.append(" generation 0").toString();
    }

    /**
     * A host candidate for an address ice4j does not know itself (a NAT's public address on the mux's
     * port): a lower local preference than the real ones, so a peer on the same network prefers those.
     */
    static String formatExtraHost(String foundation, InetAddress address, int port, int index) {
        long priority = HOST_PRIORITY_BASE + ((long) (30000 - index) << 8) + 255;
        return "candidate:" + foundation + " 1 udp " + priority + " " + address.getHostAddress() + " " + port
                + " typ host generation 0";
    }

    /**
     * The same for the ICE-TCP port: a passive TCP host candidate, below every UDP one (RFC 6544 §4.2: a
     * lower local preference for TCP, so a peer that can use UDP does).
     */
    static String formatExtraTcpHost(String foundation, InetAddress address, int port, int index) {
        long priority = HOST_PRIORITY_BASE + ((long) (10000 - index) << 8) + 255;
        return "candidate:" + foundation + " 1 tcp " + priority + " " + address.getHostAddress() + " " + port
                + " typ host tcptype passive generation 0";
    }

    /**
     * Parses one a=candidate value (with or without "a=" and "candidate:"), or returns null for candidates
     * Sluice cannot use (TCP, component 2, mDNS ".local" names it cannot resolve) .
     *
     * @throws IllegalArgumentException naming the value when it is malformed
     */
    static RemoteCandidate parse(String value, Component component) {
        return parse(value, component, false);
    }

    /**
     * Parses a remote {@code tcp … tcptype passive} candidate (RFC 6544 §4.5), one a WHIP target can connect to
     * ({@link IceTcpActive}), or returns null for any other candidate.
     *
     * @throws IllegalArgumentException naming the value when it is malformed
     */
    static RemoteCandidate parseTcpPassive(String value, Component component) {
        return parse(value, component, true);
    }

    private static RemoteCandidate parse(String value, Component component, boolean tcpPassive) {
        String v = value.trim();
        if (v.startsWith("a=")) {
            v = v.substring(2);
        }
        if (v.startsWith("candidate:")) {
            v = v.substring("candidate:".length());
        }
        String[] f = v.split("\\s+");
        if (f.length < 8 || !f[6].equals("typ")) {
            throw new IllegalArgumentException("malformed ICE candidate \"" + value + "\"");
        }
        if (!f[2].equalsIgnoreCase(tcpPassive ? "tcp" : "udp") || !f[1].equals("1")
                || f[4].toLowerCase(Locale.ROOT).endsWith(".local")
                || tcpPassive && !v.toLowerCase(Locale.ROOT).matches(".*\\stcptype\\s+passive(\\s.*)?")) {
            return null;
        }
        Transport transport = tcpPassive ? Transport.TCP : Transport.UDP;
        try {
            long priority = Long.parseLong(f[3]);
            int port = Integer.parseInt(f[5]);
            InetAddress ip = InetAddress.getByName(f[4]); // an IP literal: no DNS lookup
            CandidateType type = CandidateType.parse(f[7].toLowerCase(Locale.ROOT));
            if (type == null) {
                throw new IllegalArgumentException("unknown type " + f[7]);
            }
            RemoteCandidate related = null;
            for (int i = 8; i + 1 < f.length; i += 2) {
                if (f[i].equals("raddr") && i + 3 < f.length && f[i + 2].equals("rport")) {
                    related = new RemoteCandidate(new TransportAddress(f[i + 1], Integer.parseInt(f[i + 3]),
                            transport), component, CandidateType.HOST_CANDIDATE, f[0], 0, null);
                    break;
                }
            }
            RemoteCandidate c = new RemoteCandidate(new TransportAddress(ip, port, transport), component, type, f[0],
                    priority, related);
            if (tcpPassive) {
                c.setTcpType(CandidateTcpType.PASSIVE);
            }
            return c;
        } catch (NumberFormatException | UnknownHostException e) {
            throw new IllegalArgumentException("malformed ICE candidate \"" + value + "\": " + e.getMessage(), e);
        }
    }

    /** "127.0.0.1:8189" for a candidate's transport address. */
    static String hostPort(Candidate<?> c) {
        TransportAddress a = c.getTransportAddress();
        String h = a.getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
