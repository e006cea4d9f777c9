package io.sluice.protocol.rtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Pcap reads the UDP datagrams of a classic libpcap capture (not pcapng; convert with
 * {@code editcap -F pcap}): link types Ethernet, Linux cooked v1/v2, BSD loopback and raw IP, IPv4 only,
 * unfragmented. Test-only.
 */
public final class Pcap {

    public record Datagram(long timeMicros, int srcPort, int dstPort, byte[] payload) {
    }

    private static final int LINK_NULL = 0;
    private static final int LINK_ETHERNET = 1;
    private static final int LINK_RAW = 101;
    private static final int LINK_SLL = 113;
    private static final int LINK_SLL2 = 276;

    private Pcap() {
    }

    public static List<Datagram> readResource(String name) {
        try (InputStream in = Pcap.class.getResourceAsStream("/captures/rtp/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no capture " + name);
            }
            return read(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Datagram> read(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        boolean nanos;
        if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
            nanos = magic == 0xa1b23c4d;
        } else {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
            if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
                throw new IllegalArgumentException("not a classic pcap file: magic " + Integer.toHexString(magic));
            }
            nanos = magic == 0xa1b23c4d;
        }
        int link = b.getInt(20) & 0x0fffffff;
        List<Datagram> out = new ArrayList<>();
        int p = 24;
        while (p + 16 <= file.length) {
            long sec = b.getInt(p) & 0xffffffffL;
            long frac = b.getInt(p + 4) & 0xffffffffL;
            int caplen = b.getInt(p + 8);
            int rec = p + 16;
            p = rec + caplen;
            if (p > file.length) {
                break; // truncated last record
            }
            int ip = switch (link) {
                case LINK_ETHERNET -> etherPayload(file, rec);
                case LINK_SLL -> u16(file, rec + 14) == 0x0800 ? rec + 16 : -1;
                case LINK_SLL2 -> u16(file, rec) == 0x0800 ? rec + 20 : -1;
                case LINK_NULL -> rec + 4;
                case LINK_RAW -> rec;
                default -> throw new IllegalArgumentException("unsupported pcap link type " + link);
            };
            if (ip < 0 || (file[ip] & 0xf0) != 0x40 || file[ip + 9] != 17) {
                continue; // not IPv4/UDP
            }
            int udp = ip + (file[ip] & 0x0f) * 4;
            int udpLen = u16(file, udp + 4);
            byte[] payload = new byte[udpLen - 8];
            System.arraycopy(file, udp + 8, payload, 0, payload.length);
            out.add(new Datagram(sec * 1_000_000 + (nanos ? frac / 1000 : frac), u16(file, udp), u16(file, udp + 2),
                    payload));
        }
        return out;
    }

    private static int etherPayload(byte[] f, int rec) {
        int type = u16(f, rec + 12);
        int off = rec + 14;
        if (type == 0x8100) { // one VLAN tag
            type = u16(f, rec + 16);
            off += 4;
        }
        return type == 0x0800 ? off : -1;
    }

    private static int u16(byte[] f, int i) {
        return ((f[i] & 0xff) << 8) | (f[i + 1] & 0xff);
    }
}
