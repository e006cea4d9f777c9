package io.sluice.net.srt;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * SrtSockAddr converts between {@link InetSocketAddress} and Linux {@code struct sockaddr_in}
 * (16 bytes) / {@code sockaddr_in6} (28 bytes), the address form libsrt takes and returns.
 */
final class SrtSockAddr {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    /** sizeof(struct sockaddr_storage) is 128; sockaddr_in6 (28) is the largest libsrt fills in. */
    static final int MAX_LEN = 128;
    private static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private SrtSockAddr() {}

    static MemorySegment encode(Arena arena, InetSocketAddress a) {
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("SRT address is unresolved: " + a);
        }
        InetAddress ip = a.getAddress();
        byte[] raw = ip.getAddress();
        if (ip instanceof Inet4Address) {
            MemorySegment s = arena.allocate(16);
            s.set(JAVA_SHORT, 0, (short) AF_INET); // sa_family is host order, the port network order
            s.set(PORT, 2, (short) a.getPort());
            MemorySegment.copy(raw, 0, s, JAVA_BYTE, 4, 4);
            return s;
        }
        MemorySegment s = arena.allocate(28);
        s.set(JAVA_SHORT, 0, (short) AF_INET6);
        s.set(PORT, 2, (short) a.getPort());
        MemorySegment.copy(raw, 0, s, JAVA_BYTE, 8, 16);
        s.set(JAVA_INT, 24, ((Inet6Address) ip).getScopeId());
        return s;
    }

    /** @param s at least {@link #MAX_LEN} readable bytes, or a zero-length pointer from an upcall */
    static InetSocketAddress decode(MemorySegment s) {
        MemorySegment sa = s.byteSize() >= 28 ? s : s.reinterpret(28);
        int family = sa.get(JAVA_SHORT, 0);
        int port = Short.toUnsignedInt(sa.get(PORT, 2));
        try {
            if (family == AF_INET) {
                return new InetSocketAddress(InetAddress.getByAddress(sa.asSlice(4, 4).toArray(JAVA_BYTE)), port);
            }
            if (family == AF_INET6) {
                byte[] raw = sa.asSlice(8, 16).toArray(JAVA_BYTE);
                int scope = sa.get(JAVA_INT, 24);
                // without a scope this also turns a v4-mapped address (a dual-stack listener's IPv4 peer) into IPv4
                InetAddress ip = scope == 0 ? InetAddress.getByAddress(raw) : Inet6Address.getByAddress(null, raw, scope);
                return new InetSocketAddress(ip, port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("unreachable: raw addresses of the right length always convert", e);
        }
        throw new IllegalArgumentException("unexpected sockaddr family " + family);
    }
}
