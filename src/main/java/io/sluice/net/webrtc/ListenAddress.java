package io.sluice.net.webrtc;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * ListenAddress is a parsed WebRTC mux address ("host:port", ":port", "[v6]:port"), shared by the UDP and
 * the TCP mux; an empty host, 0.0.0.0 or :: means every interface address, bound one by one.
 *
 * @param what "WebRTC UDP" or "WebRTC TCP", for messages
 */
record ListenAddress(String what, String host, int port) {

    /** @throws IllegalArgumentException naming the address and the bad part */
    static ListenAddress parse(String what, String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(what + " address must be host:port or :port, got \"" + address + "\"");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int p;
        try {
            p = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " address " + address + ": port is not a number");
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException(what + " address " + address + ": port must be 0..65535");
        }
        return new ListenAddress(what, host, p);
    }

    boolean wildcard() {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::");
    }

    /** The host as an address; {@code address} is the configured value, for the message. */
    InetAddress resolve(String address) throws UnknownHostException {
        return resolveHost(what + " mux", host, address);
    }

    static InetAddress resolveHost(String who, String host, String address) throws UnknownHostException {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UnknownHostException(who + ": cannot resolve host \"" + host + "\" (from " + address
                    + " / additional hosts)");
        }
    }
}
