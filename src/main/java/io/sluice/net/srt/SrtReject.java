package io.sluice.net.srt;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * SrtReject names the reasons an SRT handshake is refused: libsrt's own SRT_REJ_* reasons
 * (&lt;1000, set by the library, e.g. a wrong passphrase) and the SRT access-control codes
 * (SRT_REJX_*, 1000–1999, HTTP status + 1000, set by a listener's {@link SrtListener.Gate});
 * codes from 2000 on are free for applications. Values from srt.h and access_control.h, 1.5.1.
 */
public final class SrtReject {
    // SRT_REJ_*: set by libsrt itself
    public static final int UNKNOWN = 0, SYSTEM = 1, PEER = 2, RESOURCE = 3, ROGUE = 4, BACKLOG = 5, IPE = 6,
            CLOSE = 7, VERSION = 8, RDVCOOKIE = 9, BADSECRET = 10, UNSECURE = 11, MESSAGEAPI = 12,
            CONGESTION = 13, FILTER = 14, GROUP = 15, TIMEOUT = 16, CRYPTO = 17;

    // SRT_REJX_*: access control, for Decision.reject
    public static final int FALLBACK = 1000, KEY_NOTSUP = 1001, FILEPATH = 1002, HOSTNOTFOUND = 1003,
            BAD_REQUEST = 1400, UNAUTHORIZED = 1401, OVERLOAD = 1402, FORBIDDEN = 1403, NOT_FOUND = 1404,
            BAD_MODE = 1405, UNACCEPTABLE = 1406, CONFLICT = 1409, NOTSUP_MEDIA = 1415, LOCKED = 1423,
            FAILED_DEPEND = 1424, INTERNAL = 1500, UNIMPLEMENTED = 1501, GATEWAY = 1502, DOWN = 1503,
            VERSION_UNSUPPORTED = 1505, NOROOM = 1507;

    /** First code a listener may set (SRT_REJC_PREDEFINED); libsrt refuses lower ones from the application. */
    public static final int FIRST_APPLICATION_CODE = 1000;
    /** First user-defined code (SRT_REJC_USERDEFINED). */
    public static final int FIRST_USER_CODE = 2000;
    /** Sluice's: the answer to a listener's own warm-up call (SrtListener), the only user code it sets. */
    static final int WARM_UP = FIRST_USER_CODE;

    private enum Reason {
        UNKNOWN(SrtReject.UNKNOWN, "unknown"), SYSTEM(SrtReject.SYSTEM, "system function error"),
        PEER(SrtReject.PEER, "rejected by peer"), RESOURCE(SrtReject.RESOURCE, "resource allocation failed"),
        ROGUE(SrtReject.ROGUE, "incorrect data in handshake"), BACKLOG(SrtReject.BACKLOG, "listener backlog exceeded"),
        IPE(SrtReject.IPE, "internal program error"), CLOSE(SrtReject.CLOSE, "socket is closing"),
        VERSION(SrtReject.VERSION, "peer version too old"),
        RDVCOOKIE(SrtReject.RDVCOOKIE, "rendezvous cookie collision"),
        BADSECRET(SrtReject.BADSECRET, "wrong passphrase"),
        UNSECURE(SrtReject.UNSECURE, "passphrase required or unexpected"),
        MESSAGEAPI(SrtReject.MESSAGEAPI, "stream/message API mismatch"),
        CONGESTION(SrtReject.CONGESTION, "incompatible congestion control"),
        FILTER(SrtReject.FILTER, "incompatible packet filter"), GROUP(SrtReject.GROUP, "incompatible group"),
        TIMEOUT(SrtReject.TIMEOUT, "connection timeout"), CRYPTO(SrtReject.CRYPTO, "incompatible crypto mode"),
        FALLBACK(SrtReject.FALLBACK, "rejected"), KEY_NOTSUP(SrtReject.KEY_NOTSUP, "stream id key not supported"),
        FILEPATH(SrtReject.FILEPATH, "bad file path"), HOSTNOTFOUND(SrtReject.HOSTNOTFOUND, "host not found"),
        BAD_REQUEST(SrtReject.BAD_REQUEST, "bad request"), UNAUTHORIZED(SrtReject.UNAUTHORIZED, "unauthorized"),
        OVERLOAD(SrtReject.OVERLOAD, "overloaded"), FORBIDDEN(SrtReject.FORBIDDEN, "forbidden"),
        NOT_FOUND(SrtReject.NOT_FOUND, "not found"), BAD_MODE(SrtReject.BAD_MODE, "mode not supported"),
        UNACCEPTABLE(SrtReject.UNACCEPTABLE, "parameters not acceptable"),
        CONFLICT(SrtReject.CONFLICT, "already in use"), NOTSUP_MEDIA(SrtReject.NOTSUP_MEDIA, "media type not supported"),
        LOCKED(SrtReject.LOCKED, "locked"), FAILED_DEPEND(SrtReject.FAILED_DEPEND, "dependent session gone"),
        INTERNAL(SrtReject.INTERNAL, "internal server error"), UNIMPLEMENTED(SrtReject.UNIMPLEMENTED, "not implemented"),
        GATEWAY(SrtReject.GATEWAY, "rejected by upstream"), DOWN(SrtReject.DOWN, "service down"),
        VERSION_UNSUPPORTED(SrtReject.VERSION_UNSUPPORTED, "SRT version not supported"),
        NOROOM(SrtReject.NOROOM, "no storage space");

        final int code;
        final String text;

        Reason(int code, String text) {
            this.code = code;
            this.text = text;
        }
    }

    private static final Map<Integer, Reason> BY_CODE =
            Arrays.stream(Reason.values()).collect(Collectors.toUnmodifiableMap(r -> r.code, Function.identity()));

    private SrtReject() {}

    /** The constant's name, e.g. "BADSECRET" (10) or "NOT_FOUND" (1404); "USER_2001", "REJX_1999", "REJ_99" for unknown codes. */
    public static String name(int code) {
        Reason r = BY_CODE.get(code);
        if (r != null) {
            return r.name();
        }
        return (code >= FIRST_USER_CODE ? "USER_" : code >= FIRST_APPLICATION_CODE ? "REJX_" : "REJ_") + code;
    }

    /**
     * How a refused connect reads in a message: "rejected: BADSECRET wrong passphrase" for libsrt's own
     * reasons, "rejected by the listener: 1404 not found" for a code the listener chose.
     */
    static String describe(int code) {
        Reason r = BY_CODE.get(code);
        if (code >= FIRST_APPLICATION_CODE) {
            return "rejected by the listener: " + code + (r != null ? " " + r.text : "");
        }
        return "rejected: " + name(code) + (r != null ? " " + r.text : "");
    }
}
