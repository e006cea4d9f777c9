package io.sluice.protocol.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RtspDecoder splits one RTSP TCP byte stream into {@link RtspRequest}s, {@link RtspResponse}s and
 * {@link InterleavedFrame}s, in either direction (server or client side).
 *
 * <p>Interleaved payloads are retained slices of the input, never copies: the receiver must release
 * each frame. After a {@link RtspProtocolException} the stream is out of sync; the decoder then
 * discards all further input and the caller should answer {@link RtspProtocolException#status()}
 * and close the connection.
 *
 * <p>Beyond the RFC it accepts LF-only line endings, CR/LF between messages (keep-alives some
 * clients send), folded header lines and any RTSP/1.x version.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2326#section-4">RFC 2326 §4 (message format)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2326#section-10.12">RFC 2326 §10.12 (interleaved)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7826#section-14">RFC 7826 §14</a>
 */
public final class RtspDecoder extends ByteToMessageDecoder {
    /** Longest start line plus headers, by default (a server takes maxHeaderBytes from its config). */
    public static final int MAX_HEADER_BYTES = 8 * 1024;
    /** Largest body (SDP, parameters), by default (a server takes maxBodyBytes from its config). */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** The most either configurable limit may be: a decoder never holds more than this of one message. */
    public static final int MAX_LIMIT_BYTES = 64 << 20;
    /** Largest interleaved payload: all that the 16-bit length field can express. */
    public static final int MAX_INTERLEAVED_BYTES = 65535;

    private final int maxInterleavedBytes;
    private final int maxHeaderBytes;
    private final int maxBodyBytes;
    private boolean failed;

    /** A decoder with the default limits. */
    public RtspDecoder() {
        this(MAX_INTERLEAVED_BYTES, MAX_BODY_BYTES);
    }

    /** A decoder with tighter limits, e.g. an interleaved limit equal to the largest expected RTP packet. */
    public RtspDecoder(int maxInterleavedBytes, int maxBodyBytes) {
        this(maxInterleavedBytes, MAX_HEADER_BYTES, Math.min(maxBodyBytes, MAX_BODY_BYTES));
        if (maxBodyBytes > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("maxBodyBytes " + maxBodyBytes + " out of range 0.." + MAX_BODY_BYTES);
        }
    }

    /**
     * A decoder with the given limits (a server's configured maxHeaderBytes and maxBodyBytes). A message
     * over a limit fails with a {@link RtspProtocolException} of kind HEADER_TOO_LARGE (status 400) or
     * BODY_TOO_LARGE (413).
     */
    public RtspDecoder(int maxInterleavedBytes, int maxHeaderBytes, int maxBodyBytes) {
        if (maxInterleavedBytes < 0 || maxInterleavedBytes > MAX_INTERLEAVED_BYTES) {
            throw new IllegalArgumentException("maxInterleavedBytes " + maxInterleavedBytes
                    + " out of range 0.." + MAX_INTERLEAVED_BYTES);
        }
        if (maxHeaderBytes < 64 || maxHeaderBytes > MAX_LIMIT_BYTES) {
            throw new IllegalArgumentException("maxHeaderBytes " + maxHeaderBytes + " out of range 64.."
                    + MAX_LIMIT_BYTES);
        }
        if (maxBodyBytes < 0 || maxBodyBytes > MAX_LIMIT_BYTES) {
            throw new IllegalArgumentException("maxBodyBytes " + maxBodyBytes + " out of range 0.." + MAX_LIMIT_BYTES);
        }
        this.maxInterleavedBytes = maxInterleavedBytes;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            RtspMessage m = decodeOne(in, maxInterleavedBytes, maxHeaderBytes, maxBodyBytes);
            if (m != null) {
                out.add(m);
            }
        } catch (RtspProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /**
     * Decodes the next message with the default limits, or returns null when {@code in} does not yet
     * hold a whole message (then only leading CR/LF may have been consumed). Usable without a pipeline.
     *
     * @throws RtspProtocolException on malformed input or a limit violation
     */
    public static RtspMessage decodeOne(ByteBuf in) {
        return decodeOne(in, MAX_INTERLEAVED_BYTES, MAX_HEADER_BYTES, MAX_BODY_BYTES);
    }

    /**
     * Decodes every whole message in {@code in} with the default limits, leaving a trailing partial
     * message unread. The caller owns (and releases) the returned interleaved frames.
     *
     * @throws RtspProtocolException on malformed input or a limit violation
     */
    public static List<RtspMessage> decodeAll(ByteBuf in) {
        List<RtspMessage> out = new ArrayList<>();
        try {
            RtspMessage m;
            while ((m = decodeOne(in)) != null) {
                out.add(m);
            }
        } catch (RtspProtocolException e) {
            for (RtspMessage m : out) {
                if (m instanceof InterleavedFrame f) {
                    f.release();
                }
            }
            throw e;
        }
        return out;
    }

    static RtspMessage decodeOne(ByteBuf in, int maxInterleaved, int maxHeader, int maxBody) {
        while (in.isReadable()) {
            byte b = in.getByte(in.readerIndex());
            if (b != '\r' && b != '\n') {
                break;
            }
            in.skipBytes(1);
        }
        int readable = in.readableBytes();
        if (readable == 0) {
            return null;
        }
        int start = in.readerIndex();
        byte first = in.getByte(start);
        if (first == '$') {
            // per-packet path: fixed offsets only, no text handling
            if (readable < 4) {
                return null;
            }
            int channel = in.getUnsignedByte(start + 1);
            int len = in.getUnsignedShort(start + 2);
            if (len > maxInterleaved) {
                throw new RtspProtocolException("interleaved frame on channel " + channel + " has length " + len
                        + ", expected at most " + maxInterleaved);
            }
            if (readable < 4 + len) {
                return null;
            }
            in.skipBytes(4);
            return new InterleavedFrame(channel, in.readRetainedSlice(len));
        }
        if (!((first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z'))) {
            // fail fast on binary garbage (e.g. raw RTP without '$' framing) instead of waiting for 8 KiB
            throw new RtspProtocolException(String.format(
                    "invalid byte 0x%02x at start of message, expected '$' or an RTSP request/status line", first));
        }
        int headerLen = headerLength(in, start, Math.min(readable, maxHeader));
        if (headerLen < 0) {
            if (readable >= maxHeader) {
                throw new RtspProtocolException(RtspStatus.BAD_REQUEST, RtspProtocolException.Kind.HEADER_TOO_LARGE,
                        "RTSP header exceeds " + maxHeader + " bytes without an empty line");
            }
            return null;
        }
        String head = in.toString(start, headerLen, StandardCharsets.UTF_8);
        Head h = parseHead(head);
        int contentLength = contentLength(h.headers.get(RtspHeaders.CONTENT_LENGTH), maxBody);
        if (readable < headerLen + contentLength) {
            return null;
        }
        byte[] body = new byte[contentLength];
        in.getBytes(start + headerLen, body);
        in.skipBytes(headerLen + contentLength);
        if (h.status >= 0) {
            return new RtspResponse(h.status, h.reasonOrUri, h.headers, body);
        }
        return new RtspRequest(h.method, h.reasonOrUri, h.headers, body);
    }

    /** Bytes up to and including the empty line that ends the header, or -1 if not within {@code limit}. */
    private static int headerLength(ByteBuf in, int start, int limit) {
        int lineStart = start;
        int end = start + limit;
        for (int i = start; i < end; i++) {
            if (in.getByte(i) == '\n') {
                int lineLen = i - lineStart;
                if (lineLen == 0 || (lineLen == 1 && in.getByte(lineStart) == '\r')) {
                    return i + 1 - start;
                }
                lineStart = i + 1;
            }
        }
        return -1;
    }

    private record Head(String method, int status, String reasonOrUri, RtspHeaders headers) {
    }

    private static Head parseHead(String head) {
        String[] lines = head.split("\n");
        String startLine = stripCr(lines[0]);
        String method = null;
        int status = -1;
        String second;
        if (startLine.startsWith("RTSP/")) {
            // RTSP/1.0 200 OK (the reason may be empty)
            int sp1 = startLine.indexOf(' ');
            checkVersion(sp1 < 0 ? startLine : startLine.substring(0, sp1), startLine);
            if (sp1 < 0 || startLine.length() < sp1 + 4) {
                throw new RtspProtocolException("invalid status line \"" + startLine
                        + "\", expected RTSP/1.0 <code> <reason>");
            }
            String code = startLine.substring(sp1 + 1, sp1 + 4);
            status = statusCode(code, startLine);
            second = startLine.length() > sp1 + 4 ? startLine.substring(sp1 + 4).trim() : "";
        } else {
            int sp1 = startLine.indexOf(' ');
            int sp2 = sp1 < 0 ? -1 : startLine.indexOf(' ', sp1 + 1);
            if (sp1 <= 0 || sp2 < 0 || startLine.indexOf(' ', sp2 + 1) >= 0) {
                throw new RtspProtocolException("invalid request line \"" + abbreviate(startLine)
                        + "\", expected <METHOD> <URI> RTSP/1.0");
            }
            method = startLine.substring(0, sp1);
            for (int i = 0; i < method.length(); i++) {
                char c = method.charAt(i);
                if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                    throw new RtspProtocolException("invalid method \"" + abbreviate(method) + "\" in request line");
                }
            }
            second = startLine.substring(sp1 + 1, sp2);
            checkVersion(startLine.substring(sp2 + 1), startLine);
        }
        RtspHeaders headers = new RtspHeaders();
        String name = null;
        StringBuilder value = null;
        for (int i = 1; i < lines.length; i++) {
            String line = stripCr(lines[i]);
            if (line.isEmpty()) {
                break;
            }
            if (line.indexOf('\r') >= 0) {
                throw new RtspProtocolException("invalid header line \"" + abbreviate(line.replace('\r', ' '))
                        + "\": bare CR");
            }
            char c0 = line.charAt(0);
            if ((c0 == ' ' || c0 == '\t') && name != null) {
                // folded continuation line (RFC 2326 §4.2 allows LWS line folding)
                value.append(' ').append(line.trim());
                continue;
            }
            if (name != null) {
                headers.add(name, value.toString());
            }
            int colon = line.indexOf(':');
            // trim() also strips control characters: a name made only of them is as empty as ": x"
            name = colon < 0 ? "" : line.substring(0, colon).trim();
            if (name.isEmpty()) {
                throw new RtspProtocolException("invalid header line \"" + abbreviate(line)
                        + "\", expected <name>: <value>");
            }
            value = new StringBuilder(line.substring(colon + 1).trim());
        }
        if (name != null) {
            headers.add(name, value.toString());
        }
        return new Head(method, status, second, headers);
    }

    private static void checkVersion(String version, String startLine) {
        if (version.startsWith("RTSP/1.")) {
            return;
        }
        if (version.startsWith("RTSP/")) {
            throw new RtspProtocolException(RtspStatus.RTSP_VERSION_NOT_SUPPORTED, "unsupported version \""
                    + abbreviate(version) + "\", expected RTSP/1.0");
        }
        throw new RtspProtocolException("invalid protocol \"" + abbreviate(version) + "\" in \""
                + abbreviate(startLine) + "\", expected RTSP/1.0");
    }

    private static int statusCode(String code, String line) {
        int v = 0;
        for (int i = 0; i < 3; i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') {
                throw new RtspProtocolException("invalid status code \"" + code + "\" in \"" + abbreviate(line)
                        + "\", expected 3 digits");
            }
            v = v * 10 + (c - '0');
        }
        if (v < 100) {
            throw new RtspProtocolException("invalid status code " + v + ", expected 100..999");
        }
        return v;
    }

    private static int contentLength(String v, int maxBody) {
        if (v == null) {
            return 0;
        }
        String t = v.trim();
        boolean digits = !t.isEmpty();
        for (int i = 0; i < t.length() && digits; i++) {
            digits = t.charAt(i) >= '0' && t.charAt(i) <= '9';
        }
        if (!digits) {
            throw new RtspProtocolException("invalid Content-Length \"" + abbreviate(t)
                    + "\", expected a non-negative integer");
        }
        if (t.length() > 9 || Integer.parseInt(t) > maxBody) {
            throw new RtspProtocolException(RtspStatus.REQUEST_ENTITY_TOO_LARGE,
                    RtspProtocolException.Kind.BODY_TOO_LARGE,
                    "Content-Length " + abbreviate(t) + " exceeds limit of " + maxBody);
        }
        return Integer.parseInt(t);
    }

    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Keeps exception messages short when the bad value is long. */
    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
