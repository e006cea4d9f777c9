package io.sluice.source.udp;

import io.sluice.conf.SourceUrl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * UdpMpegtsBind is how a {@code udp+mpegts://HOST:PORT[?source=IP]} source listens: a unicast HOST is bound
 * as given; a multicast HOST (a group) binds the wildcard address on PORT, with SO_REUSEADDR so that other
 * receivers of the group on this machine can share the port, and joins the group; {@code ?source=} keeps
 * only the datagrams of one sender.
 *
 * @param local the address to bind
 * @param group the multicast group to join, or null for unicast
 * @param sender the only sender whose datagrams are read, or null for any
 */
record UdpMpegtsBind(InetSocketAddress local, InetAddress group, InetAddress sender) {

    /**
     * Resolves the URL's host and source.
     *
     * @throws UnknownHostException naming the host or source that does not resolve
     */
    static UdpMpegtsBind of(SourceUrl.UdpMpegts url) throws UnknownHostException {
        InetAddress host = resolve(url.host(), "host");
        InetAddress sender = url.source().isEmpty() ? null : resolve(url.source(), "source");
        if (host.isMulticastAddress()) {
            InetAddress any = InetAddress.getByAddress(new byte[host.getAddress().length]);
            return new UdpMpegtsBind(new InetSocketAddress(any, url.port()), host, sender);
        }
        return new UdpMpegtsBind(new InetSocketAddress(host, url.port()), null, sender);
    }

    private static InetAddress resolve(String name, String what) throws UnknownHostException {
        try {
            return InetAddress.getByName(name);
        } catch (UnknownHostException e) {
            throw new UnknownHostException("udp+mpegts " + what + " '" + name + "' does not resolve");
        }
    }

    boolean multicast() {
        return group != null;
    }

    /** Whether a datagram from {@code from} is read: any sender, or exactly the {@code ?source=} one. */
    boolean accepts(InetSocketAddress from) {
        return sender == null || sender.equals(from.getAddress());
    }

    /**
     * The interfaces to join the group on: every interface that is up, supports multicast and has an address
     * of the group's family; loopback last (the kernel may not route multicast there), and alone only when
     * nothing else fits.
     */
    List<NetworkInterface> joinInterfaces() throws SocketException {
        List<NetworkInterface> out = new ArrayList<>();
        List<NetworkInterface> loopback = new ArrayList<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || !ni.supportsMulticast() && !ni.isLoopback() || !hasFamily(ni)) {
                continue;
            }
            (ni.isLoopback() ? loopback : out).add(ni);
        }
        out.addAll(loopback);
        return out;
    }

    private boolean hasFamily(NetworkInterface ni) {
        return Collections.list(ni.getInetAddresses()).stream()
                .anyMatch(a -> a.getAddress().length == group.getAddress().length);
    }

    @Override
    public String toString() {
        return (group != null ? group.getHostAddress() + " (joined) on " : "")
                + local.getAddress().getHostAddress() + ":" + local.getPort()
                + (sender != null ? " from " + sender.getHostAddress() : "");
    }
}
