package io.sluice.net.webrtc;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * IceTcpFirstFrame reads what an ICE-TCP client must send first on the shared port: one RFC 4571 frame
 * (a 16-bit length, then that many bytes) holding a STUN Binding request (RFC 8489 §5) whose USERNAME is
 * "serverUfrag:clientUfrag" (RFC 8445 §7.2.2); the server half names the session that gets the connection.
 * Anything else is an {@link IceTcpException} naming what was wrong.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6544#section-3">RFC 6544 §3 (framing per RFC 4571)</a>
 */
final class IceTcpFirstFrame {
    /**
     * The longest first frame taken. A browser's Binding request is about 100-200 bytes (USERNAME at most
     * 513, RFC 8489 §14.3); RFC 4571 allows 65535, which a stranger would make us buffer for nothing.
     */
    static final int MAX_LENGTH = 1024;
    private static final int HEADER = 20;
    private static final int MAGIC_COOKIE = 0x2112A442;
    private static final int BINDING_REQUEST = 0x0001;
    private static final int USERNAME = 0x0006;

    private IceTcpFirstFrame() {
    }

    /**
     * Reads one frame, however the bytes arrive; blocks (the caller sets the socket's read timeout).
     *
     * @throws IceTcpException for a length of 0 or over {@link #MAX_LENGTH}
     * @throws EOFException when the stream ends first
     */
    static byte[] read(InputStream in) throws IOException {
        int hi = in.read();
        int lo = in.read();
        if (hi < 0 || lo < 0) {
            throw new EOFException("connection closed before an RFC 4571 frame length");
        }
        int len = hi << 8 | lo;
        if (len < HEADER || len > MAX_LENGTH) {
            throw new IceTcpException("first RFC 4571 frame of " + len + " bytes: a STUN Binding request is "
                    + HEADER + ".." + MAX_LENGTH);
        }
        byte[] m = in.readNBytes(len);
        if (m.length < len) {
            throw new EOFException("connection closed after " + m.length + " of the first frame's " + len + " bytes");
        }
        return m;
    }

    /**
     * The server half of the Binding request's USERNAME.
     *
     * @throws IceTcpException naming what is missing or wrong
     */
    static String localUfrag(byte[] m) throws IceTcpException {
        if (m.length < HEADER) {
            throw new IceTcpException("first frame of " + m.length + " bytes is shorter than a STUN header");
        }
        int type = u16(m, 0);
        if (type != BINDING_REQUEST || i32(m, 4) != MAGIC_COOKIE) {
            throw new IceTcpException(String.format("first frame is not a STUN Binding request (type 0x%04x, "
                    + "cookie 0x%08x)", type, i32(m, 4)));
        }
        int bodyLen = u16(m, 2);
        if (HEADER + bodyLen != m.length || bodyLen % 4 != 0) {
            throw new IceTcpException("STUN length " + bodyLen + " does not fit the " + m.length + "-byte frame");
        }
        int pos = HEADER;
        while (pos + 4 <= m.length) {
            int attr = u16(m, pos);
            int len = u16(m, pos + 2);
            if (pos + 4 + len > m.length) {
                throw new IceTcpException(String.format("STUN attribute 0x%04x of %d bytes at offset %d runs past "
                        + "the message", attr, len, pos));
            }
            if (attr == USERNAME) {
                String user = new String(m, pos + 4, len, StandardCharsets.UTF_8);
                int colon = user.indexOf(':');
                if (colon <= 0) {
                    throw new IceTcpException("STUN USERNAME '" + printable(user) + "' is not ufrag:ufrag");
                }
                return user.substring(0, colon);
            }
            pos += 4 + (len + 3 & ~3);
        }
        throw new IceTcpException("STUN Binding request without USERNAME");
    }

    private static String printable(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | b[off + 1] & 0xff;
    }

    private static int i32(byte[] b, int off) {
        return u16(b, off) << 16 | u16(b, off + 2);
    }
}
