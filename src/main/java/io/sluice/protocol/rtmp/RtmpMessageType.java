package io.sluice.protocol.rtmp;

/**
 * RtmpMessageType lists the RTMP message type ids (the typeId of {@link RtmpMessage}).
 *
 * @see <a href="https://rtmp.veriskope.com/docs/spec/#54-protocol-control-messages">RTMP spec §5.4</a>
 * @see <a href="https://rtmp.veriskope.com/docs/spec/#71-types-of-messages">RTMP spec §7.1</a>
 */
public final class RtmpMessageType {
    public static final int SET_CHUNK_SIZE = 1;
    public static final int ABORT = 2;
    public static final int ACK = 3;
    public static final int USER_CONTROL = 4;
    public static final int WINDOW_ACK_SIZE = 5;
    public static final int SET_PEER_BANDWIDTH = 6;
    public static final int AUDIO = 8;
    public static final int VIDEO = 9;
    public static final int DATA_AMF3 = 15;
    public static final int SHARED_OBJECT_AMF3 = 16;
    public static final int COMMAND_AMF3 = 17;
    public static final int DATA_AMF0 = 18;
    public static final int SHARED_OBJECT_AMF0 = 19;
    public static final int COMMAND_AMF0 = 20;
    public static final int AGGREGATE = 22;

    private RtmpMessageType() {
    }

    /** A readable name for logs and exception messages, e.g. {@code "VIDEO(9)"}. */
    public static String name(int typeId) {
        String n = switch (typeId) {
            case SET_CHUNK_SIZE -> "SET_CHUNK_SIZE";
            case ABORT -> "ABORT";
            case ACK -> "ACK";
            case USER_CONTROL -> "USER_CONTROL";
            case WINDOW_ACK_SIZE -> "WINDOW_ACK_SIZE";
            case SET_PEER_BANDWIDTH -> "SET_PEER_BANDWIDTH";
            case AUDIO -> "AUDIO";
            case VIDEO -> "VIDEO";
            case DATA_AMF3 -> "DATA_AMF3";
            case SHARED_OBJECT_AMF3 -> "SHARED_OBJECT_AMF3";
            case COMMAND_AMF3 -> "COMMAND_AMF3";
            case DATA_AMF0 -> "DATA_AMF0";
            case SHARED_OBJECT_AMF0 -> "SHARED_OBJECT_AMF0";
            case COMMAND_AMF0 -> "COMMAND_AMF0";
            case AGGREGATE -> "AGGREGATE";
            default -> "UNKNOWN";
        };
        return n + "(" + typeId + ")";
    }
}
