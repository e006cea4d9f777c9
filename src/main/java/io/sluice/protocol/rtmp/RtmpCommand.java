package io.sluice.protocol.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RtmpCommand is one AMF0 command message (RTMP spec §7.1.1): a name, a transaction id, a command
 * object (often null) and optional arguments, e.g. {@code connect}, {@code publish}, {@code _result},
 * {@code onStatus}.
 *
 * @param args values after the command object, in order (Amf0 Java types)
 */
public record RtmpCommand(String name, double transactionId, Object commandObject, List<Object> args) {

    /** Chunk stream that carries commands (what ffmpeg, OBS and nginx-rtmp use). */
    public static final int CHUNK_STREAM = 3;

    public RtmpCommand {
        args = java.util.Collections.unmodifiableList(new ArrayList<>(args));
    }

    public RtmpCommand(String name, double transactionId, Object commandObject, Object... args) {
        this(name, transactionId, commandObject, java.util.Arrays.asList(args));
    }

    /**
     * Decodes an AMF0 command message (type 20), or an AMF3 one (type 17) whose body is AMF0 after a
     * leading format byte, as Flash clients send.
     *
     * @throws RtmpProtocolException when the body is not a command
     */
    public static RtmpCommand decode(RtmpMessage m) throws RtmpProtocolException {
        ByteBuf b = m.payload().duplicate();
        if (m.typeId() == RtmpMessageType.COMMAND_AMF3 && b.isReadable() && b.getByte(b.readerIndex()) == 0) {
            b.skipBytes(1);
        }
        List<Object> v = Amf0.decodeAll(b);
        if (v.isEmpty() || !(v.get(0) instanceof String name)) {
            throw new RtmpProtocolException("command message without a name: " + abbreviate(v));
        }
        if (v.size() < 2 || !(v.get(1) instanceof Double tx)) {
            // ffmpeg's listen mode sends onFCPublish with no transaction id: a notice, not a reply
            return new RtmpCommand(name, 0, null, v.subList(1, v.size()));
        }
        return new RtmpCommand(name, tx, v.size() > 2 ? v.get(2) : null, v.size() > 3 ? v.subList(3, v.size()) : List.of());
    }

    /** The argument at {@code i} if it is a string, else null. */
    public String stringArg(int i) {
        return i < args.size() && args.get(i) instanceof String s ? s : null;
    }

    /** A string property of the command object, or null. */
    public String property(String key) {
        return commandObject instanceof Map<?, ?> m && m.get(key) instanceof String s ? s : null;
    }

    /** Encodes the command as an AMF0 command message on {@link #CHUNK_STREAM}. */
    public RtmpMessage encode(ByteBufAllocator alloc, int messageStreamId) {
        ByteBuf b = alloc.buffer(128);
        Object[] all = new Object[3 + args.size()];
        all[0] = name;
        all[1] = transactionId;
        all[2] = commandObject;
        for (int i = 0; i < args.size(); i++) {
            all[3 + i] = args.get(i);
        }
        Amf0.encode(b, all);
        return new RtmpMessage(CHUNK_STREAM, RtmpMessageType.COMMAND_AMF0, 0, messageStreamId, b);
    }

    /** An onStatus info object as servers send it: level, code, description. */
    public static Map<String, Object> status(String level, String code, String description) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("level", level);
        m.put("code", code);
        m.put("description", description);
        return m;
    }

    private static String abbreviate(List<Object> v) {
        String s = String.valueOf(v);
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    @Override
    public String toString() {
        // Command objects carry tcUrl and arguments carry stream keys: never print them whole.
        return "RtmpCommand[" + name + " tx=" + (long) transactionId + "]";
    }
}
