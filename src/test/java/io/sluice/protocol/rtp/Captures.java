package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Captures loads the ffmpeg captures of src/test/resources/captures/rtp (see the README there): RTP
 * packets of the even port, RTCP of the odd one, and the format from the SDP ffmpeg wrote. Test-only;
 * public for the tests of the container mappers (mpegts) that feed these packets through a stream.
 */
public final class Captures {

    private Captures() {
    }

    /** RTP packets (to the SDP's media port) as byte arrays, in capture order. */
    static List<byte[]> rtp(String name) {
        return rtpDatagrams(name).stream().map(Pcap.Datagram::payload).toList();
    }

    /** RTP datagrams (to the SDP's media port) with their capture times, in capture order. */
    public static List<Pcap.Datagram> rtpDatagrams(String name) {
        int port = mediaPort(name);
        return Pcap.readResource(name + ".pcap").stream().filter(d -> d.dstPort() == port).toList();
    }

    /** RTCP packets (to the media port + 1). */
    static List<byte[]> rtcp(String name) {
        int port = mediaPort(name) + 1;
        return Pcap.readResource(name + ".pcap").stream().filter(d -> d.dstPort() == port)
                .map(Pcap.Datagram::payload).toList();
    }

    static ByteBuf buf(byte[] b) {
        return Unpooled.wrappedBuffer(b);
    }

    /** RTP packets grouped into access units by timestamp, in order. */
    static List<List<byte[]>> byTimestamp(List<byte[]> packets) {
        List<List<byte[]>> out = new ArrayList<>();
        long last = -1;
        for (byte[] p : packets) {
            long ts = RtpHeader.timestamp(buf(p));
            if (ts != last) {
                out.add(new ArrayList<>());
                last = ts;
            }
            out.getLast().add(p);
        }
        return out;
    }

    static String sdp(String name) {
        return new String(resource(name + ".sdp"), StandardCharsets.UTF_8);
    }

    public static byte[] resource(String file) {
        try (InputStream in = Captures.class.getResourceAsStream("/captures/rtp/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first format of the SDP, with the given codec (the SDP parser lives in another package). */
    public static Format format(String name, Codec codec) {
        int pt = 0;
        String encoding = "";
        int rate = 0;
        int channels = 0;
        String fmtp = "";
        for (String line : sdp(name).split("\r?\n")) {
            if (line.startsWith("a=rtpmap:")) {
                String[] s = line.substring(9).split(" ", 2);
                pt = Integer.parseInt(s[0]);
                String[] enc = s[1].split("/");
                encoding = enc[0];
                rate = Integer.parseInt(enc[1]);
                channels = enc.length > 2 ? Integer.parseInt(enc[2]) : 0;
            } else if (line.startsWith("a=fmtp:")) {
                fmtp = line.substring(line.indexOf(' ') + 1);
            }
        }
        return new Format(pt, codec, encoding, rate, channels, fmtp);
    }

    private static int mediaPort(String name) {
        for (String line : sdp(name).split("\r?\n")) {
            if (line.startsWith("m=")) {
                return Integer.parseInt(line.split(" ")[1]);
            }
        }
        throw new IllegalArgumentException("no m= line in " + name + ".sdp");
    }

    /** Splits an Annex-B byte stream into NAL units without start codes (trailing zero bytes dropped). */
    public static List<byte[]> annexB(byte[] s) {
        List<byte[]> out = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i + 2 < s.length) {
            if (s[i] == 0 && s[i + 1] == 0 && s[i + 2] == 1) {
                if (start >= 0) {
                    out.add(trim(s, start, i));
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0) {
            out.add(trim(s, start, s.length));
        }
        return out;
    }

    private static byte[] trim(byte[] s, int from, int to) {
        while (to > from && s[to - 1] == 0) {
            to--;
        }
        return java.util.Arrays.copyOfRange(s, from, to);
    }

    /** Splits an ADTS stream into raw AAC frames (headers removed). */
    public static List<byte[]> adtsFrames(byte[] s) {
        List<byte[]> out = new ArrayList<>();
        int p = 0;
        while (p + 7 <= s.length) {
            if ((s[p] & 0xff) != 0xff || (s[p + 1] & 0xf0) != 0xf0) {
                throw new IllegalArgumentException("lost ADTS sync at " + p);
            }
            boolean crc = (s[p + 1] & 1) == 0;
            int len = ((s[p + 3] & 0x03) << 11) | ((s[p + 4] & 0xff) << 3) | ((s[p + 5] & 0xe0) >> 5);
            int header = crc ? 9 : 7;
            out.add(java.util.Arrays.copyOfRange(s, p + header, p + len));
            p += len;
        }
        return out;
    }
}
