package io.sluice.source.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.conf.SourceUrl;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class UdpMpegtsBindTest {

    private static SourceUrl.UdpMpegts url(String host, int port, String source) {
        return new SourceUrl.UdpMpegts("udp+mpegts://" + host + ":" + port, host, port, source);
    }

    @Test
    void unicastBindsTheGivenAddressAndJoinsNothing() throws Exception {
        UdpMpegtsBind b = UdpMpegtsBind.of(url("127.0.0.1", 1234, ""));
        assertFalse(b.multicast());
        assertNull(b.group());
        assertEquals(new InetSocketAddress("127.0.0.1", 1234), b.local());
        assertTrue(b.accepts(new InetSocketAddress("10.1.2.3", 5000)), "no ?source=: any sender");
    }

    @Test
    void multicastBindsTheWildcardAndJoinsTheGroup() throws Exception {
        UdpMpegtsBind b = UdpMpegtsBind.of(url("239.1.2.3", 1234, ""));
        assertTrue(b.multicast());
        assertEquals("239.1.2.3", b.group().getHostAddress());
        assertTrue(b.local().getAddress().isAnyLocalAddress(), b.local().toString());
        assertEquals(1234, b.local().getPort());
    }

    @Test
    void wildcardHostIsUnicast() throws Exception {
        UdpMpegtsBind b = UdpMpegtsBind.of(url("0.0.0.0", 1234, ""));
        assertFalse(b.multicast());
        assertTrue(b.local().getAddress().isAnyLocalAddress());
    }

    @Test
    void sourceKeepsOnlyThatSender() throws Exception {
        UdpMpegtsBind b = UdpMpegtsBind.of(url("239.1.2.3", 1234, "10.0.0.7"));
        assertTrue(b.accepts(new InetSocketAddress("10.0.0.7", 40000)));
        assertFalse(b.accepts(new InetSocketAddress("10.0.0.8", 40000)));
        assertTrue(b.toString().contains("from 10.0.0.7"), b.toString());
    }

    @Test
    void unresolvableSourceIsNamed() {
        UnknownHostException e = assertThrows(UnknownHostException.class,
                () -> UdpMpegtsBind.of(url("127.0.0.1", 1234, "no-such-host.invalid")));
        assertTrue(e.getMessage().contains("source 'no-such-host.invalid'"), e.getMessage());
    }

    @Test
    void joinInterfacesAreUpAndOfTheGroupsFamily() throws Exception {
        UdpMpegtsBind b = UdpMpegtsBind.of(url("239.1.2.3", 1234, ""));
        for (var ni : b.joinInterfaces()) {
            assertTrue(ni.isUp(), ni.getName());
            assertTrue(java.util.Collections.list(ni.getInetAddresses()).stream()
                    .anyMatch(a -> a.getAddress().length == 4), ni.getName());
        }
    }
}
