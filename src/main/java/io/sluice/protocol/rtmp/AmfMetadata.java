package io.sluice.protocol.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.Map;

/**
 * AmfMetadata reads and writes the stream metadata data message (type DATA_AMF0) that encoders
 * send: publishers send {@code "@setDataFrame", "onMetaData", {...}}, servers store it without
 * the {@code @setDataFrame} and send {@code "onMetaData", {...}} to players.
 *
 * @see <a href="https://rtmp.veriskope.com/pdf/video_file_format_spec_v10_1.pdf">FLV spec v10.1 E.5 (onMetaData)</a>
 */
public final class AmfMetadata {
    /** The command a publisher prefixes metadata with, asking the server to keep it. */
    public static final String SET_DATA_FRAME = "@setDataFrame";
    /** The name of the metadata message. */
    public static final String ON_META_DATA = "onMetaData";

    private AmfMetadata() {
    }

    /** The body a server sends to players: {@code "onMetaData", ECMA array}. The caller owns it. */
    public static ByteBuf onMetaData(ByteBufAllocator alloc, Map<String, Object> metadata) {
        ByteBuf out = alloc.buffer();
        Amf0.encode(out, ON_META_DATA, new Amf0.EcmaArray(metadata));
        return out;
    }

    /** The body a publisher sends: {@code "@setDataFrame", "onMetaData", ECMA array}. The caller owns it. */
    public static ByteBuf setDataFrame(ByteBufAllocator alloc, Map<String, Object> metadata) {
        ByteBuf out = alloc.buffer();
        Amf0.encode(out, SET_DATA_FRAME, ON_META_DATA, new Amf0.EcmaArray(metadata));
        return out;
    }

    /**
     * The metadata of a data message body in either form, or null if the body is another data
     * message (e.g. {@code onTextData}, {@code |RtmpSampleAccess}). Does not move the reader index.
     *
     * @throws RtmpProtocolException if the body is not valid AMF0, or onMetaData carries no object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(ByteBuf body) throws RtmpProtocolException {
        List<Object> values = Amf0.decodeAll(body.duplicate());
        int i = 0;
        if (i < values.size() && SET_DATA_FRAME.equals(values.get(i))) {
            i++;
        }
        if (i >= values.size() || !ON_META_DATA.equals(values.get(i))) {
            return null;
        }
        i++;
        if (i >= values.size() || !(values.get(i) instanceof Map<?, ?> map)) {
            throw new RtmpProtocolException("onMetaData at value " + i + " is followed by "
                    + (i < values.size() ? String.valueOf(values.get(i)) : "nothing") + ", expected an object or ECMA array");
        }
        return (Map<String, Object>) map;
    }
}
