package io.sluice.conf;

import java.util.Map;
import java.util.Objects;

/**
 * DestUrl is a forward target's URL, parsed once at load time into one variant per protocol family,
 * so that forwarders switch over it without re-parsing strings. toString() never shows credentials.
 */
public sealed interface DestUrl permits DestUrl.Rtsp, DestUrl.Rtmp, DestUrl.Srt, DestUrl.Whip {

    /** The schemes {@link #parse} accepts, in the order error messages list them. */
    String ACCEPTED_SCHEMES = "rtsp, rtsps, rtmp, rtmps, srt, whip, whips, webrtc, http, https";

    /** The URL as written in the config (with credentials: never log it, use {@link Redact#url}). */
    String raw();

    String host();

    int port();

    /** host:port as written in a URL or request line, IPv6 hosts in brackets. */
    default String authority() {
        return (host().contains(":") ? "[" + host() + "]" : host()) + ":" + port();
    }

    /**
     * Rtsp is an rtsp:// or rtsps:// target: the server ANNOUNCEs/RECORDs to it.
     *
     * @param port default 554, or 322 for rtsps
     * @param pathAndQuery the request path, at least "/", e.g. "/live/x?token=y"
     * @param user user name from the URL, "" if none
     * @param pass password from the URL, "" if none
     */
    record Rtsp(String raw, boolean tls, String host, int port, String pathAndQuery, String user, String pass)
            implements DestUrl {

        public Rtsp {
            Objects.requireNonNull(raw, "raw");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(pathAndQuery, "pathAndQuery");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(pass, "pass");
        }

        @Override
        public String toString() {
            return "Rtsp[" + Redact.url(raw) + "]";
        }
    }

    /**
     * Rtmp is an rtmp:// or rtmps:// target, split the way ffmpeg and OBS split it.
     *
     * @param port default 1935, or 443 for rtmps
     * @param app the first path segment (the RTMP "app" of connect)
     * @param streamKey the rest of the path including the query, "" if none (the publish name)
     */
    record Rtmp(String raw, boolean tls, String host, int port, String app, String streamKey, String user, String pass)
            implements DestUrl {

        public Rtmp {
            Objects.requireNonNull(raw, "raw");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(app, "app");
            Objects.requireNonNull(streamKey, "streamKey");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(pass, "pass");
        }

        @Override
        public String toString() {
            return "Rtmp[" + Redact.url(raw) + "]";
        }
    }

    /**
     * Srt is an srt:// caller target; the port is required because SRT has no default port.
     *
     * @param query the decoded query options (streamid, passphrase, latency, pbkeylen, ...) in URL order
     */
    record Srt(String raw, String host, int port, Map<String, String> query) implements DestUrl {

        public Srt {
            Objects.requireNonNull(raw, "raw");
            Objects.requireNonNull(host, "host");
            query = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(query));
        }

        @Override
        public String toString() {
            return "Srt[" + Redact.url(raw) + "]";
        }
    }

    /**
     * Whip is a WebRTC target reached by a WHIP (RFC 9725) POST to an HTTP(S) endpoint.
     *
     * @param tls whether the endpoint is https (whips://, https://)
     * @param port default 80, 443 with TLS, or 8889 (the mediamtx WebRTC port) for webrtc://
     * @param path the endpoint path and any query except token, at least "/"
     * @param token the "token" query value, sent as a Bearer token instead of in the URL; "" if none
     * @param fromWebrtcScheme whether it was written as webrtc://, mediamtx style, where the forwarder
     *     may need to append "/whip" to a bare path
     */
    record Whip(String raw, boolean tls, String host, int port, String path, String token, boolean fromWebrtcScheme)
            implements DestUrl {

        public Whip {
            Objects.requireNonNull(raw, "raw");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "Whip[" + Redact.url(raw) + "]";
        }
    }

    /**
     * Parses a target URL.
     *
     * @throws IllegalArgumentException whose message names the bad part and the accepted forms
     */
    static DestUrl parse(String url) {
        return DestUrlParser.parse(url);
    }
}
