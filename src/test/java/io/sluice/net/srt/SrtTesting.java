package io.sluice.net.srt;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** SrtTesting has what the SRT tests share: the skip when libsrt is missing, loopback addresses, free UDP ports. */
final class SrtTesting {
    private SrtTesting() {}

    static void assumeSrt() {
        assumeTrue(Srt.available(), () -> "skipped: " + Srt.unavailableReason());
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** A UDP port that was free a moment ago (for peers that cannot report the port they picked). */
    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(loopback(0))) {
            return s.getLocalPort();
        }
    }

    static SrtListener acceptAll() throws SrtException {
        return SrtListener.bind(loopback(0), SrtOptions.defaults(), (sid, peer) -> SrtListener.Decision.accept(""));
    }
}
