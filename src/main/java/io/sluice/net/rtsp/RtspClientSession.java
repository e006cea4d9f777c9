package io.sluice.net.rtsp;

import io.netty.channel.Channel;
import io.sluice.protocol.rtsp.RtspAuth;
import io.sluice.protocol.rtsp.RtspHeaders;
import io.sluice.protocol.rtsp.RtspRequest;
import io.sluice.protocol.rtsp.RtspResponse;
import java.io.IOException;
import java.util.List;

/**
 * RtspClientSession is the client half of one RTSP session with a server, a forward target's or a pulled
 * source's (RFC 2326 §12.17 CSeq, §12.37 Session): it numbers the requests, carries the session id the server
 * gave at SETUP, and answers the server's 401 challenge (Basic or Digest, RFC 2617) once, then on every later
 * request.
 *
 * <p>Requests are sent and awaited by the dest's or source's runner thread; {@link #keepalive} runs on the
 * connection's loop and {@link #teardown} on whichever thread closes the session, reading the last id
 * and credentials (they do not change after SETUP).
 */
public final class RtspClientSession {
    /** Keepalives are numbered from here, so that their answers, which nobody awaits, can be told apart. */
    private static final int KEEPALIVE_CSEQ = 1_000_000;

    private final RtspClientConn conn;
    private final Channel control;
    private final String user;
    private final String pass;
    private final long timeoutMs;
    private int cseq;
    private volatile String id;
    private volatile boolean authorize;
    private volatile List<String> challenges = List.of();

    /** @param timeoutMs how long to wait for each response */
    public RtspClientSession(RtspClientConn conn, Channel control, String user, String pass, long timeoutMs) {
        this.conn = conn;
        this.control = control;
        this.user = user;
        this.pass = pass;
        this.timeoutMs = timeoutMs;
    }

    /** Sends a request and waits for its response, answering a 401 once when there are credentials. */
    public RtspResponse request(String method, String uri, RtspHeaders h, byte[] body) throws Exception {
        RtspResponse r = send(method, uri, h, body);
        if (r.status() == 401 && user != null && !user.isEmpty()) {
            challenges = r.headers().getAll("WWW-Authenticate");
            authorize = true;
            r = send(method, uri, h, body);
            if (r.status() == 401) {
                throw new IOException(method + ": authentication failed (401) for user '" + user + "'");
            }
        }
        return r;
    }

    /** Like {@link #request}, and fails unless the answer is 200. */
    public RtspResponse requestOk(String method, String uri, RtspHeaders h, byte[] body) throws Exception {
        RtspResponse r = request(method, uri, h, body);
        expectOk(r, method);
        return r;
    }

    public static void expectOk(RtspResponse r, String method) throws IOException {
        if (r.status() != 200) {
            throw new IOException(method + " refused: " + r.status() + " " + r.reason());
        }
    }

    /** Takes the session id from a SETUP answer, unless one is already set. */
    public void takeId(RtspResponse setup) {
        String sh = setup.headers().get("Session");
        if (sh != null && id == null) {
            id = sh.split(";", 2)[0].trim();
        }
    }

    private RtspResponse send(String method, String uri, RtspHeaders h, byte[] body) throws Exception {
        RtspHeaders headers = h.copy();
        headers.set("CSeq", Integer.toString(++cseq));
        headers.set("User-Agent", "Sluice");
        String sid = id;
        if (sid != null) {
            headers.set("Session", sid);
        }
        if (authorize && !challenges.isEmpty()) {
            headers.set("Authorization", RtspAuth.authorization(challenges, user, pass, method, uri));
        }
        control.writeAndFlush(new RtspRequest(method, uri, headers, body == null ? new byte[0] : body));
        return conn.next(timeoutMs);
    }

    /** The session id the server gave at SETUP, or null before. */
    public String id() {
        return id;
    }

    /** Whether a response answers a {@link #keepalive}: {@link RtspClientConn} drops those. */
    static boolean isKeepaliveAnswer(RtspResponse r) {
        String c = r.headers().get("CSeq");
        return c != null && c.trim().length() >= 7 && c.trim().chars().allMatch(Character::isDigit)
                && Long.parseLong(c.trim()) >= KEEPALIVE_CSEQ;
    }

    /** OPTIONS, which every server accepts as keepalive; its response is dropped. */
    public void keepalive(String base) {
        keepalive("OPTIONS", base);
    }

    /**
     * A keepalive request (OPTIONS, or GET_PARAMETER for servers that list it in Public); its response is
     * dropped.
     */
    public void keepalive(String method, String base) {
        RtspHeaders h = new RtspHeaders();
        h.set("CSeq", Integer.toString(KEEPALIVE_CSEQ + (int) (System.nanoTime() & 0xffff)));
        String sid = id;
        if (sid != null) {
            h.set("Session", sid);
        }
        if (authorize && !challenges.isEmpty()) {
            h.set("Authorization", RtspAuth.authorization(challenges, user, pass, method, base));
        }
        control.writeAndFlush(new RtspRequest(method, base, h, new byte[0]));
    }

    /** Ends the session on the server, if there is one and the connection is up; does not wait. */
    public void teardown(String base) {
        String sid = id;
        if (control.isActive() && sid != null) {
            RtspHeaders h = new RtspHeaders();
            h.set("CSeq", Integer.toString(cseq + 1));
            h.set("Session", sid);
            if (authorize && !challenges.isEmpty()) {
                h.set("Authorization", RtspAuth.authorization(challenges, user, pass, "TEARDOWN", base));
            }
            control.writeAndFlush(new RtspRequest("TEARDOWN", base, h, new byte[0]));
        }
    }
}
