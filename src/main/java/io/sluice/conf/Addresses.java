package io.sluice.conf;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Addresses parses listen addresses of the form ":8554", "127.0.0.1:8554", "[::1]:8554" or "host:8554". */
public final class Addresses {

    static final String ACCEPTED = "[host]:port with port 0..65535, e.g. :8554, 127.0.0.1:8554, [::1]:8554";

    private Addresses() {
    }

    /**
     * Parses a listen address; an empty host means the wildcard address 0.0.0.0. IP literals are never
     * looked up; a host name is resolved here, and left unresolved if that fails so bind reports it.
     *
     * @throws IllegalArgumentException naming the bad part and the accepted forms
     */
    public static InetSocketAddress parse(String address) {
        HostPort hp = split(address);
        if (hp.host.isEmpty()) {
            return new InetSocketAddress(hp.port);
        }
        if (isIpLiteral(hp.host)) {
            return new InetSocketAddress(InetAddress.ofLiteral(hp.host), hp.port);
        }
        return new InetSocketAddress(hp.host, hp.port);
    }

    /** Checks the syntax without any name lookup; used by the config records. */
    static String check(String address) {
        split(address);
        return address;
    }

    private record HostPort(String host, int port) {
    }

    private static HostPort split(String address) {
        String a = address == null ? "" : address.strip();
        int colon = a.lastIndexOf(':');
        if (colon < 0) {
            throw new BadValue("address '" + a + "' has no port", ACCEPTED);
        }
        String host = a.substring(0, colon);
        String port = a.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (!host.contains(":") || !isIpLiteral(host)) {
                throw new BadValue("invalid IPv6 address '" + host + "' in '" + a + "'", ACCEPTED);
            }
        } else if (host.contains(":")) {
            throw new BadValue("IPv6 address in '" + a + "' must be in brackets", ACCEPTED);
        } else if (!host.isEmpty() && !host.matches("[A-Za-z0-9.-]{1,253}")) {
            throw new BadValue("invalid host '" + host + "' in '" + a + "'", ACCEPTED);
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw new BadValue("invalid port '" + port + "' in '" + a + "'", ACCEPTED);
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    static boolean isIpLiteral(String host) {
        try {
            InetAddress.ofLiteral(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false; // a host name, not a literal: the caller decides whether names are allowed
        }
    }
}
