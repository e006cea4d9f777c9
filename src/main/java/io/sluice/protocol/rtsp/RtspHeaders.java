package io.sluice.protocol.rtsp;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * RtspHeaders is the ordered header list of one RTSP message (RFC 2326 §12): names are matched
 * case-insensitively and keep their spelling on output, and a name may repeat (GStreamer's rtspsrc
 * sends two User-Agent lines).
 *
 * <p>Mutable and not thread-safe: build it on the thread that sends the message.
 */
public final class RtspHeaders {
    public static final String CSEQ = "CSeq";
    public static final String CONTENT_LENGTH = "Content-Length";
    public static final String CONTENT_TYPE = "Content-Type";
    public static final String CONTENT_BASE = "Content-Base";
    public static final String SESSION = "Session";
    public static final String TRANSPORT = "Transport";
    public static final String PUBLIC = "Public";
    public static final String WWW_AUTHENTICATE = "WWW-Authenticate";
    public static final String AUTHORIZATION = "Authorization";
    public static final String USER_AGENT = "User-Agent";
    public static final String SERVER = "Server";
    public static final String RANGE = "Range";
    public static final String RTP_INFO = "RTP-Info";
    public static final String ACCEPT = "Accept";

    private final List<String> names;
    private final List<String> values;

    public RtspHeaders() {
        names = new ArrayList<>(8);
        values = new ArrayList<>(8);
    }

    private RtspHeaders(RtspHeaders other) {
        names = new ArrayList<>(other.names);
        values = new ArrayList<>(other.values);
    }

    /** An independent copy. */
    public RtspHeaders copy() {
        return new RtspHeaders(this);
    }

    /** The first value of this header, or null. */
    public String get(String name) {
        int i = indexOf(name);
        return i < 0 ? null : values.get(i);
    }

    /** All values of this header in order (empty when absent). */
    public List<String> getAll(String name) {
        List<String> out = new ArrayList<>(1);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                out.add(values.get(i));
            }
        }
        return out;
    }

    public boolean contains(String name) {
        return indexOf(name) >= 0;
    }

    /** Appends a header line, keeping any existing ones with the same name. */
    public RtspHeaders add(String name, String value) {
        names.add(checkName(name));
        values.add(checkValue(name, value));
        return this;
    }

    /** Sets the single value of a header: replaces the first occurrence in place and drops the others. */
    public RtspHeaders set(String name, String value) {
        int i = indexOf(name);
        if (i < 0) {
            return add(name, value);
        }
        values.set(i, checkValue(name, value));
        for (int j = names.size() - 1; j > i; j--) {
            if (names.get(j).equalsIgnoreCase(name)) {
                names.remove(j);
                values.remove(j);
            }
        }
        return this;
    }

    /** Removes every header with this name. */
    public RtspHeaders remove(String name) {
        for (int j = names.size() - 1; j >= 0; j--) {
            if (names.get(j).equalsIgnoreCase(name)) {
                names.remove(j);
                values.remove(j);
            }
        }
        return this;
    }

    /**
     * The CSeq value, or -1 when absent.
     *
     * @throws RtspProtocolException when present but not a non-negative integer
     */
    public int cseq() {
        String v = get(CSEQ);
        if (v == null) {
            return -1;
        }
        return parseNonNegative(CSEQ, v.trim());
    }

    /** Sets CSeq. */
    public RtspHeaders cseq(int cseq) {
        return set(CSEQ, Integer.toString(cseq));
    }

    /** The number of header lines. */
    public int size() {
        return names.size();
    }

    /** The header lines in order as (name, value) pairs. */
    public List<Map.Entry<String, String>> entries() {
        List<Map.Entry<String, String>> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            out.add(new SimpleImmutableEntry<>(names.get(i), values.get(i)));
        }
        return out;
    }

    /** Calls {@code action} for each header line in order. */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < names.size(); i++) {
            action.accept(names.get(i), values.get(i));
        }
    }

    static int parseNonNegative(String name, String v) {
        if (v.isEmpty() || v.length() > 9) {
            throw new RtspProtocolException("invalid " + name + " \"" + v + "\", expected a non-negative integer");
        }
        int n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw new RtspProtocolException("invalid " + name + " \"" + v + "\", expected a non-negative integer");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private int indexOf(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.indexOf(':') >= 0 || name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("invalid header name \"" + name + "\"");
        }
        return name;
    }

    private static String checkValue(String name, String value) {
        Objects.requireNonNull(value, name);
        // a CR or LF in a value would let a caller inject header lines
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("header " + name + " value contains CR/LF");
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RtspHeaders h) || h.names.size() != names.size()) {
            return false;
        }
        for (int i = 0; i < names.size(); i++) {
            if (!names.get(i).equalsIgnoreCase(h.names.get(i)) || !values.get(i).equals(h.values.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < names.size(); i++) {
            h = 31 * h + names.get(i).toLowerCase(Locale.ROOT).hashCode();
            h = 31 * h + values.get(i).hashCode();
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            // credentials never reach logs
            String v = names.get(i).equalsIgnoreCase(AUTHORIZATION) ? "<redacted>" : values.get(i);
            sb.append(names.get(i)).append(": ").append(v);
        }
        return sb.append('}').toString();
    }
}
