package io.sluice.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * IpRange is one IP address or CIDR range of an authInternalUsers entry's ips, IPv4 or IPv6.
 * An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) matches IPv4 ranges.
 */
final class IpRange {
    private final byte[] network;
    private final int prefix;

    private IpRange(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * Parses "ip" or "ip/prefix" (validated by the configuration already); host bits of a range are
     * ignored, as in mediamtx ("192.168.1.7/24" is 192.168.1.0/24).
     *
     * @throws IllegalArgumentException when it is neither
     */
    static IpRange parse(String s) {
        String v = s.strip();
        int slash = v.indexOf('/');
        byte[] addr = InetAddress.ofLiteral(slash < 0 ? v : v.substring(0, slash)).getAddress();
        int prefix = slash < 0 ? addr.length * 8 : Integer.parseInt(v.substring(slash + 1));
        if (prefix < 0 || prefix > addr.length * 8) {
            throw new IllegalArgumentException("prefix length out of range in '" + s + "'");
        }
        return new IpRange(mask(addr, prefix), prefix);
    }

    boolean contains(InetAddress ip) {
        byte[] a = unmapped(ip);
        return a.length == network.length && Arrays.equals(mask(a, prefix), network);
    }

    private static byte[] mask(byte[] addr, int prefix) {
        byte[] out = addr.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.clamp(prefix - i * 8L, 0, 8);
            out[i] &= (byte) (0xff00 >> bits);
        }
        return out;
    }

    /** The address bytes, with an IPv4-mapped IPv6 address turned into its IPv4 address. */
    static byte[] unmapped(InetAddress ip) {
        byte[] a = ip.getAddress();
        if (ip instanceof Inet6Address && a.length == 16) {
            boolean mapped = a[10] == (byte) 0xff && a[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = a[i] == 0;
            }
            if (mapped) {
                return Arrays.copyOfRange(a, 12, 16);
            }
        }
        return a;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            return "?/" + prefix;
        }
    }
}
