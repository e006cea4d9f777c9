package io.sluice.protocol.rtmp;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * RtmpHandshake builds the RTMP handshake packets (C0/C1/C2, S0/S1/S2) as pure functions, for both
 * the plain handshake of spec §5.2 and the digest handshake of Flash-era peers (see
 * {@link RtmpHandshakeDigest}); {@link RtmpServerHandshaker} and {@link RtmpClientHandshaker} drive
 * them in a Netty pipeline.
 *
 * <p>The server answers in kind: a C1 with a non-zero version and a valid client digest gets a
 * signed S1/S2 (FFmpeg sends one, and some clients check S2), anything else gets the plain echo.
 * The client sends a plain C1 (zero version), which every server accepts, and echoes S1 as C2.
 *
 * @see <a href="https://rtmp.veriskope.com/docs/spec/#52-handshake">RTMP spec §5.2 (handshake)</a>
 */
public final class RtmpHandshake {
    /** The only RTMP version (C0/S0); 6 would be RTMPE, which is not supported. */
    public static final int VERSION = 3;
    /** Size of C0+C1 and of C2 + 1. */
    public static final int C0C1_LENGTH = 1 + RtmpHandshakeDigest.PACKET_LENGTH;
    /** Size of C2 (and S1, S2). */
    public static final int C2_LENGTH = RtmpHandshakeDigest.PACKET_LENGTH;
    /** Size of S0+S1+S2. */
    public static final int S0S1S2_LENGTH = 1 + 2 * RtmpHandshakeDigest.PACKET_LENGTH;
    /** The version field our S1 sends in the digest handshake (FMS-like, any non-zero value works). */
    static final int SERVER_VERSION = 0x04050001;

    /** Pipeline name of the {@link RtmpChunkDecoder} that replaces a handshaker. */
    public static final String DECODER_NAME = "rtmpChunkDecoder";

    /** Completed is the type of {@link #COMPLETE}. */
    public enum Completed {
        INSTANCE
    }

    /** User event fired by the handshakers once the chunk stream may start. */
    public static final Completed COMPLETE = Completed.INSTANCE;

    private RtmpHandshake() {
    }

    /**
     * The server's S0+S1+S2 ({@value #S0S1S2_LENGTH} bytes) for the client's C0+C1.
     *
     * @throws RtmpProtocolException if the length is wrong or C0 is not version 3
     */
    public static byte[] serverResponse(byte[] c0c1) throws RtmpProtocolException {
        checkLength(c0c1, C0C1_LENGTH, "C0+C1");
        checkVersion(c0c1[0], "C0");
        byte[] c1 = Arrays.copyOfRange(c0c1, 1, C0C1_LENGTH);
        byte[] out = new byte[S0S1S2_LENGTH];
        out[0] = VERSION;
        int schema = readInt(c1, 4) == 0 ? -1
                : RtmpHandshakeDigest.findDigest(c1, RtmpHandshakeDigest.CLIENT_KEY,
                        RtmpHandshakeDigest.CLIENT_KEY_SHORT);
        byte[] s1 = randomPacket();
        if (schema < 0) {
            Arrays.fill(s1, 0, 8, (byte) 0);
            System.arraycopy(s1, 0, out, 1, s1.length);
            System.arraycopy(c1, 0, out, 1 + s1.length, c1.length);
            return out;
        }
        Arrays.fill(s1, 0, 4, (byte) 0);
        writeInt(s1, 4, SERVER_VERSION);
        RtmpHandshakeDigest.sign(s1, schema, RtmpHandshakeDigest.SERVER_KEY, RtmpHandshakeDigest.SERVER_KEY_SHORT);
        int clientOffset = RtmpHandshakeDigest.digestOffset(c1, schema);
        byte[] clientDigest = Arrays.copyOfRange(c1, clientOffset, clientOffset + RtmpHandshakeDigest.DIGEST_LENGTH);
        byte[] s2 = randomPacket();
        RtmpHandshakeDigest.signResponse(s2, clientDigest, RtmpHandshakeDigest.SERVER_KEY);
        System.arraycopy(s1, 0, out, 1, s1.length);
        System.arraycopy(s2, 0, out, 1 + s1.length, s2.length);
        return out;
    }

    /** The client's C0+C1 ({@value #C0C1_LENGTH} bytes): plain form, time 0 and version 0. */
    public static byte[] clientHello() {
        byte[] out = new byte[C0C1_LENGTH];
        out[0] = VERSION;
        byte[] c1 = randomPacket();
        Arrays.fill(c1, 0, 8, (byte) 0);
        System.arraycopy(c1, 0, out, 1, c1.length);
        return out;
    }

    /**
     * The client's C2 for the server's S0+S1+S2: an echo of S1, which both plain and digest servers
     * accept from a client that sent a plain C1.
     *
     * @throws RtmpProtocolException if the length is wrong or S0 is not version 3
     */
    public static byte[] clientAck(byte[] s0s1s2) throws RtmpProtocolException {
        checkLength(s0s1s2, S0S1S2_LENGTH, "S0+S1+S2");
        checkVersion(s0s1s2[0], "S0");
        return Arrays.copyOfRange(s0s1s2, 1, 1 + C2_LENGTH);
    }

    private static void checkLength(byte[] b, int expected, String what) throws RtmpProtocolException {
        if (b.length != expected) {
            throw new RtmpProtocolException(what + " of " + b.length + " bytes, expected " + expected);
        }
    }

    static void checkVersion(byte version, String what) throws RtmpProtocolException {
        if (version != VERSION) {
            throw new RtmpProtocolException(String.format(
                    "%s version %d at offset 0, expected %d (6 would be RTMPE, or this is not RTMP)",
                    what, version & 0xff, VERSION));
        }
    }

    private static byte[] randomPacket() {
        byte[] p = new byte[RtmpHandshakeDigest.PACKET_LENGTH];
        ThreadLocalRandom.current().nextBytes(p);
        return p;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
