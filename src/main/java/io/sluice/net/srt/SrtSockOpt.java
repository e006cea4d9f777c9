package io.sluice.net.srt;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * SrtSockOpt sets and reads socket options ({@code srt_setsockflag}/{@code srt_getsockflag}) and
 * applies an {@link SrtOptions} to a new socket. Options are set rarely, so each call uses its own
 * short-lived confined arena.
 */
final class SrtSockOpt {
    /** SRT limit on SRTO_STREAMID (srt.h: "max 512 characters"). */
    static final int MAX_STREAM_ID = 512;

    private SrtSockOpt() {}

    /**
     * Applies the options every Sluice socket uses. SRTO_TRANSTYPE comes first because setting it
     * resets the other options to that transmission type's defaults.
     *
     * @param caller whether the socket will connect (stream id and connect timeout are caller-only)
     */
    static void apply(int u, SrtOptions o, boolean caller) throws SrtException {
        setInt(u, SrtNative.SRTO_TRANSTYPE, SrtNative.SRTT_LIVE, "SRTO_TRANSTYPE");
        setInt(u, SrtNative.SRTO_LATENCY, o.latencyMs(), "SRTO_LATENCY");
        setInt(u, SrtNative.SRTO_PEERIDLETIMEO, o.peerIdleTimeoutMs(), "SRTO_PEERIDLETIMEO");
        if (o.pbkeylen() != 0) {
            setInt(u, SrtNative.SRTO_PBKEYLEN, o.pbkeylen(), "SRTO_PBKEYLEN");
        }
        if (!o.passphrase().isEmpty()) {
            setString(u, SrtNative.SRTO_PASSPHRASE, o.passphrase(), "SRTO_PASSPHRASE");
        }
        if (caller) {
            setInt(u, SrtNative.SRTO_CONNTIMEO, o.connectTimeoutMs(), "SRTO_CONNTIMEO");
            if (!o.streamId().isEmpty()) {
                setString(u, SrtNative.SRTO_STREAMID, o.streamId(), "SRTO_STREAMID");
            }
        }
    }

    /** Sets an int (or bool: libsrt accepts an int-sized bool) option. */
    static void setInt(int u, int opt, int value, String name) throws SrtException {
        try (Arena a = Arena.ofConfined()) {
            if (SrtNative.setSockFlag(u, opt, a.allocateFrom(JAVA_INT, value), 4) == SrtNative.SRT_ERROR) {
                throw SrtException.last(name + "=" + value);
            }
        }
    }

    /**
     * Sets a string option; libsrt takes the length, not a terminator. The value is not echoed in
     * the error, since it may be a passphrase.
     */
    static void setString(int u, int opt, String value, String name) throws SrtException {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(Math.max(1, b.length));
            MemorySegment.copy(b, 0, s, JAVA_BYTE, 0, b.length);
            if (SrtNative.setSockFlag(u, opt, s, b.length) == SrtNative.SRT_ERROR) {
                throw SrtException.last(name + " (" + b.length + " bytes)");
            }
        }
    }

    /** The socket's SRTO_STREAMID; on an accepted socket that is the one the caller sent. */
    static String streamId(int u) throws SrtException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(MAX_STREAM_ID + 1);
            MemorySegment len = a.allocateFrom(JAVA_INT, MAX_STREAM_ID + 1);
            if (SrtNative.getSockFlag(u, SrtNative.SRTO_STREAMID, s, len) == SrtNative.SRT_ERROR) {
                throw SrtException.last("get SRTO_STREAMID");
            }
            int n = Math.clamp(len.get(JAVA_INT, 0), 0, MAX_STREAM_ID);
            return new String(s.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
        }
    }
}
