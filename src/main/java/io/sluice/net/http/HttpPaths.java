package io.sluice.net.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** HttpPaths decodes the percent-encoding of request path segments (RFC 3986 §2.1). */
public final class HttpPaths {

    private HttpPaths() {
    }

    /**
     * Decodes "%XX" escapes as UTF-8. Unlike form decoding, '+' stays '+': in a path it is a plus
     * (a regex path entry "~^cam\d+" must keep it).
     *
     * @throws IllegalArgumentException naming the bad escape and its offset, or when the bytes are not UTF-8
     */
    public static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '%') {
                // non-ASCII as sent (not valid in a URI, but some clients do it): keep it as UTF-8
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int hi = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
            int lo = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 2), 16) : -1;
            if (hi < 0 || lo < 0) {
                String bad = segment.substring(i, Math.min(i + 3, segment.length()));
                throw new IllegalArgumentException("invalid percent-encoding '" + bad + "' at offset " + i
                        + " in '" + segment + "'");
            }
            out.write(hi << 4 | lo);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("percent-encoded bytes of '" + segment + "' are not UTF-8", e);
        }
    }
}
