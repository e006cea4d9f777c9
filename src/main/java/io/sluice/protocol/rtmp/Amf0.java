package io.sluice.protocol.rtmp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Amf0 reads and writes the AMF0 values of RTMP commands and data messages.
 *
 * <p>Java mapping: number ↔ {@link Double} (any {@link Number} encodes as a number), boolean ↔
 * {@link Boolean}, string and long string ↔ {@link String}, object, typed object and ECMA array →
 * {@code Map<String,Object>} (a {@link LinkedHashMap}, keys in wire order), strict array ↔
 * {@code List<Object>}, null and undefined → {@code null}, date → {@link Double} milliseconds
 * (the time zone field is ignored, as the spec says), XML document → {@link String}.
 * A {@link Map} encodes as an object; wrap it in {@link EcmaArray} to encode an ECMA array (what
 * {@code onMetaData} uses). References, AMF3 switches and movie clips are rejected.
 *
 * <p>Decoding reads from the buffer's reader index and advances it; strings are copied out.
 *
 * @see <a href="https://rtmp.veriskope.com/pdf/amf0-file-format-specification.pdf">AMF0 specification</a>
 */
public final class Amf0 {
    /** Deepest nesting of objects and arrays accepted, against stack exhaustion by hostile input. */
    public static final int MAX_DEPTH = 32;

    static final int NUMBER = 0x00;
    static final int BOOLEAN = 0x01;
    static final int STRING = 0x02;
    static final int OBJECT = 0x03;
    static final int MOVIECLIP = 0x04;
    static final int NULL = 0x05;
    static final int UNDEFINED = 0x06;
    static final int REFERENCE = 0x07;
    static final int ECMA_ARRAY = 0x08;
    static final int OBJECT_END = 0x09;
    static final int STRICT_ARRAY = 0x0A;
    static final int DATE = 0x0B;
    static final int LONG_STRING = 0x0C;
    static final int UNSUPPORTED = 0x0D;
    static final int XML_DOCUMENT = 0x0F;
    static final int TYPED_OBJECT = 0x10;
    static final int AVMPLUS = 0x11;

    /** EcmaArray marks a map to be encoded as an AMF0 ECMA array instead of an object. */
    public record EcmaArray(Map<String, Object> map) {
    }

    private Amf0() {
    }

    /**
     * Decodes values until the buffer has no readable bytes left.
     *
     * @throws RtmpProtocolException on a malformed or truncated value
     */
    public static List<Object> decodeAll(ByteBuf in) throws RtmpProtocolException {
        List<Object> values = new ArrayList<>();
        while (in.isReadable()) {
            values.add(decode(in));
        }
        return values;
    }

    /**
     * Decodes one value.
     *
     * @throws RtmpProtocolException on a malformed or truncated value
     */
    public static Object decode(ByteBuf in) throws RtmpProtocolException {
        return decode(in, 0);
    }

    private static Object decode(ByteBuf in, int depth) throws RtmpProtocolException {
        need(in, 1, "type marker");
        int at = in.readerIndex();
        int marker = in.readUnsignedByte();
        return switch (marker) {
            case NUMBER -> {
                need(in, 8, "number");
                yield in.readDouble();
            }
            case BOOLEAN -> {
                need(in, 1, "boolean");
                yield in.readByte() != 0;
            }
            case STRING -> readString(in, false);
            case LONG_STRING, XML_DOCUMENT -> readString(in, true);
            case NULL, UNDEFINED, UNSUPPORTED -> null;
            case OBJECT -> readProperties(in, depth, at, false);
            case TYPED_OBJECT -> {
                readString(in, false);
                yield readProperties(in, depth, at, false);
            }
            case ECMA_ARRAY -> {
                // the count is only a hint (encoders get it wrong); the end marker ends the array
                need(in, 4, "ECMA array count");
                in.skipBytes(4);
                yield readProperties(in, depth, at, true);
            }
            case STRICT_ARRAY -> readStrictArray(in, depth, at);
            case DATE -> {
                need(in, 10, "date");
                double ms = in.readDouble();
                in.skipBytes(2);
                yield ms;
            }
            default -> throw new RtmpProtocolException(String.format(
                    "unsupported AMF0 type marker 0x%02x at offset %d", marker, at));
        };
    }

    private static Map<String, Object> readProperties(ByteBuf in, int depth, int at, boolean ecma)
            throws RtmpProtocolException {
        checkDepth(depth, at);
        Map<String, Object> map = new LinkedHashMap<>();
        while (true) {
            if (ecma && !in.isReadable()) {
                return map; // some encoders end the last ECMA array of a message without an end marker
            }
            String key = readString(in, false);
            if (key.isEmpty()) {
                need(in, 1, "object end marker");
                int endAt = in.readerIndex();
                int end = in.readUnsignedByte();
                if (end != OBJECT_END) {
                    throw new RtmpProtocolException(String.format(
                            "empty property name followed by marker 0x%02x at offset %d, expected object end 0x09",
                            end, endAt));
                }
                return map;
            }
            map.put(key, decode(in, depth + 1));
        }
    }

    private static List<Object> readStrictArray(ByteBuf in, int depth, int at) throws RtmpProtocolException {
        checkDepth(depth, at);
        need(in, 4, "strict array count");
        long count = in.readUnsignedInt();
        if (count > in.readableBytes()) {
            // every element takes at least one byte: a larger count is a lie, not a reason to allocate
            throw new RtmpProtocolException("strict array count " + count + " at offset " + at + " exceeds the "
                    + in.readableBytes() + " bytes left");
        }
        List<Object> list = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            list.add(decode(in, depth + 1));
        }
        return list;
    }

    private static String readString(ByteBuf in, boolean isLong) throws RtmpProtocolException {
        need(in, isLong ? 4 : 2, "string length");
        int at = in.readerIndex();
        long len = isLong ? in.readUnsignedInt() : in.readUnsignedShort();
        if (len > in.readableBytes()) {
            throw new RtmpProtocolException("string length " + len + " at offset " + at + " exceeds the "
                    + in.readableBytes() + " bytes left");
        }
        String s = in.toString(in.readerIndex(), (int) len, StandardCharsets.UTF_8);
        in.skipBytes((int) len);
        return s;
    }

    private static void need(ByteBuf in, int n, String what) throws RtmpProtocolException {
        if (in.readableBytes() < n) {
            throw new RtmpProtocolException("truncated AMF0 " + what + " at offset " + in.readerIndex() + ": need "
                    + n + " bytes, have " + in.readableBytes());
        }
    }

    private static void checkDepth(int depth, int at) throws RtmpProtocolException {
        if (depth >= MAX_DEPTH) {
            throw new RtmpProtocolException("AMF0 nesting deeper than " + MAX_DEPTH + " at offset " + at);
        }
    }

    /**
     * Appends the AMF0 encoding of each value.
     *
     * @throws IllegalArgumentException for a value of a type without an AMF0 mapping, or nesting
     *                                  deeper than {@link #MAX_DEPTH}
     */
    public static void encode(ByteBuf out, Object... values) {
        for (Object v : values) {
            encode(out, v, 0);
        }
    }

    private static void encode(ByteBuf out, Object v, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("AMF0 value nested deeper than " + MAX_DEPTH);
        }
        switch (v) {
            case null -> out.writeByte(NULL);
            case Number n -> out.writeByte(NUMBER).writeDouble(n.doubleValue());
            case Boolean b -> out.writeByte(BOOLEAN).writeByte(b ? 1 : 0);
            case String s -> writeString(out, s);
            case EcmaArray(Map<String, Object> m) -> {
                out.writeByte(ECMA_ARRAY).writeInt(m.size());
                writeProperties(out, m, depth);
            }
            case Map<?, ?> m -> {
                out.writeByte(OBJECT);
                writeProperties(out, m, depth);
            }
            case List<?> l -> {
                out.writeByte(STRICT_ARRAY).writeInt(l.size());
                for (Object e : l) {
                    encode(out, e, depth + 1);
                }
            }
            default -> throw new IllegalArgumentException("no AMF0 mapping for " + v.getClass().getName());
        }
    }

    private static void writeString(ByteBuf out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            out.writeByte(LONG_STRING).writeInt(b.length);
        } else {
            out.writeByte(STRING).writeShort(b.length);
        }
        out.writeBytes(b);
    }

    private static void writeProperties(ByteBuf out, Map<?, ?> m, int depth) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            byte[] key = String.valueOf(e.getKey()).getBytes(StandardCharsets.UTF_8);
            if (key.length == 0 || key.length > 0xFFFF) {
                throw new IllegalArgumentException("AMF0 property name of " + key.length
                        + " bytes, expected 1..65535");
            }
            out.writeShort(key.length).writeBytes(key);
            encode(out, e.getValue(), depth + 1);
        }
        out.writeShort(0).writeByte(OBJECT_END);
    }
}
