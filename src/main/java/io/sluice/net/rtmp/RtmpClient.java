package io.sluice.net.rtmp;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.sluice.conf.DestUrl;
import io.sluice.net.FingerprintTrust;
import io.sluice.net.NetLoops;
import io.sluice.net.TcpConnector;
import io.sluice.protocol.rtmp.RtmpChunkEncoder;
import io.sluice.protocol.rtmp.RtmpClientHandshaker;
import io.sluice.protocol.rtmp.RtmpCommand;
import io.sluice.protocol.rtmp.RtmpMessage;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * RtmpClient is the client half of an RTMP(S) session that a forward target (publish) and a pulled source
 * (play) share: the TCP/TLS connect with certificate pinning, the handshake, {@code connect} to the app,
 * {@code createStream}, and the wait for a command's reply or a stream's status, each bounded by the
 * session's timeout. What comes after (publish or play) is the caller's.
 *
 * <p>The calls that wait run on the session's control thread; the channel and its {@link RtmpClientConn}
 * live on the event loop given to {@link #connect}.
 */
public final class RtmpClient {
    /** Outbound chunk size: what OBS uses; every server accepts it. */
    public static final int CHUNK_SIZE = 4096;
    /** Status codes, besides {@code _error} replies, with which a server refuses a publish or a play. */
    private static final Set<String> REFUSALS = Set.of("Failed", "BadName", "Denied", "Unauthorized", "Rejected",
            "StreamNotFound", "NotFound", "Forbidden");

    private final DestUrl.Rtmp url;
    private final long timeoutMs;
    private final RtmpClientConn conn;
    private Channel ch;
    private int tx;

    /**
     * @param conn the inbound side, with a media sink for a player
     * @param timeoutMs bound of the connect and of each wait for the server
     */
    public RtmpClient(DestUrl.Rtmp url, long timeoutMs, RtmpClientConn conn) {
        this.url = url;
        this.timeoutMs = timeoutMs;
        this.conn = conn;
    }

    /**
     * Connects (TLS when the URL is rtmps://, pinned to {@code fingerprint} when not empty), runs the
     * handshake and announces the outbound chunk size.
     *
     * @param opened sees the channel as soon as it exists, for the session's close()
     * @param closed whether the session was closed meanwhile
     * @throws IOException when the connection or the handshake fails, with host and port
     */
    public Channel connect(NetLoops loops, EventLoop loop, String fingerprint, WriteBufferWaterMark marks,
            Consumer<Channel> opened, BooleanSupplier closed) throws Exception {
        SslContext ssl = url.tls() ? FingerprintTrust.clientContext(fingerprint) : null;
        ch = new TcpConnector(loops, url.host(), url.port(), timeoutMs, marks).connect(loop, ssl, opened, closed,
                new RtmpClientHandshaker(), new RtmpChunkEncoder(), conn);
        conn.awaitHandshake(timeoutMs);
        ch.write(RtmpMessage.setChunkSize(CHUNK_SIZE));
        return ch;
    }

    /** The {@code tcUrl} of the app: scheme, authority and app, as encoders send it. */
    public String tcUrl() {
        return "rtmp" + (url.tls() ? "s" : "") + "://" + url.authority() + "/" + url.app();
    }

    /**
     * Sends {@code connect} to the URL's app and waits for its {@code _result}.
     *
     * @param extra properties of the command object after app, type/flashVer and tcUrl (e.g. fpad for a player)
     */
    public void connectApp(String flashVer, Map<String, Object> extra) throws Exception {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("app", url.app());
        props.put("type", "nonprivate");
        props.put("flashVer", flashVer);
        props.put("tcUrl", tcUrl());
        props.putAll(extra);
        call(new RtmpCommand("connect", ++tx, props), 0, "connect");
    }

    /** Sends {@code createStream} and returns the message stream id the server gave. */
    public int createStream() throws Exception {
        RtmpCommand created = call(new RtmpCommand("createStream", ++tx, null), 0, "createStream");
        if (created.args().isEmpty() || !(created.args().getFirst() instanceof Double id)) {
            throw new IOException("createStream answered without a stream id");
        }
        return id.intValue();
    }

    /** Writes a command that gets no reply (releaseStream, FCPublish, play), without flushing. */
    public void send(String name, int messageStreamId, Object... args) {
        ch.write(new RtmpCommand(name, ++tx, null, args).encode(ch.alloc(), messageStreamId));
    }

    /** Sends a command and waits for its _result; _error fails with the server's description. */
    private RtmpCommand call(RtmpCommand cmd, int msgStream, String what) throws Exception {
        ch.writeAndFlush(cmd.encode(ch.alloc(), msgStream));
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            RtmpCommand r = conn.next(leftMs(deadline), what);
            if (r.transactionId() != cmd.transactionId()) {
                continue; // onBWDone, onFCPublish and other notices
            }
            if (r.name().equals("_result")) {
                return r;
            }
            throw new IOException(what + " refused: " + describe(r));
        }
    }

    /**
     * Waits for the stream's {@code onStatus} with code {@code started} (e.g. NetStream.Publish.Start),
     * skipping notices (Play.Reset, onBWDone).
     *
     * @throws RtmpStatusException when the server refuses, with its code and description
     */
    public void awaitStatus(String what, String started) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            RtmpCommand r = conn.next(leftMs(deadline), what);
            if (started.equals(statusCode(r))) {
                return;
            }
            checkRefusal(what, r);
        }
    }

    /**
     * Throws when {@code r} is an {@code _error} or an {@code onStatus} whose code refuses or fails the
     * stream (NetStream.Play.StreamNotFound, NetStream.Publish.BadName, ...); notices pass.
     */
    public static void checkRefusal(String what, RtmpCommand r) throws RtmpStatusException {
        String code = statusCode(r);
        boolean refused = r.name().equals("_error");
        if (r.name().equals("onStatus") && code != null) {
            String last = code.substring(code.lastIndexOf('.') + 1);
            refused = REFUSALS.contains(last);
        }
        if (refused) {
            throw new RtmpStatusException(what + " refused: " + describe(r), code);
        }
    }

    private static long leftMs(long deadline) {
        return Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    }

    /** The {@code code} of an onStatus or _error info object, or null. */
    public static String statusCode(RtmpCommand r) {
        for (Object a : r.args()) {
            if (a instanceof Map<?, ?> m && m.get("code") instanceof String s) {
                return s;
            }
        }
        return null;
    }

    /** The info object's code and description, as a message shows them; else the command's name. */
    public static String describe(RtmpCommand r) {
        for (Object a : r.args()) {
            if (a instanceof Map<?, ?> m) {
                return m.get("code") + (m.get("description") != null ? " (" + m.get("description") + ")" : "");
            }
        }
        return r.name();
    }

    /**
     * The stream key with user and pass appended as query parameters (mediamtx's form, which its RTMP server
     * and Sluice's read), unless empty or already there.
     */
    public static String streamKey(String key, String user, String pass) {
        if (user.isEmpty() || key.contains("user=")) {
            return key;
        }
        return key + (key.contains("?") ? "&" : "?") + "user=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&pass=" + URLEncoder.encode(pass, StandardCharsets.UTF_8);
    }
}
