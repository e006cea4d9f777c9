package io.sluice.conf;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * TlsConf is TLS for the servers that mediamtx encrypts besides RTMP (whose keys predate it and stay in
 * {@link Conf}): RTSPS, the API, the metrics and the WebRTC HTTP server (WHIP/WHEP), with mediamtx v1.20's
 * key names. mediamtx's older RTSP names ({@code encryption}, {@code serverKey}, {@code serverCert}) are read
 * as aliases; writing both names with different values is an error, since one would silently win.
 *
 * @param rtsp rtspEncryption, rtspServerKey, rtspServerCert
 * @param rtspsAddress listen address of the RTSPS server (RTSP over TLS, RTP interleaved)
 * @param api apiEncryption (yes/no: HTTPS only or HTTP only), apiServerKey, apiServerCert
 * @param metrics metricsEncryption, metricsServerKey, metricsServerCert
 * @param webrtc webrtcEncryption, webrtcServerKey, webrtcServerCert (the WHIP/WHEP HTTP listener)
 */
public record TlsConf(TlsServerConf rtsp, String rtspsAddress, TlsServerConf api, TlsServerConf metrics,
                      TlsServerConf webrtc) {

    /** The keys, as written at the top level of the file. */
    static final List<String> KEYS = List.of("rtspEncryption", "rtspsAddress", "rtspServerKey", "rtspServerCert",
            "apiEncryption", "apiServerKey", "apiServerCert", "metricsEncryption", "metricsServerKey",
            "metricsServerCert", "webrtcEncryption", "webrtcServerKey", "webrtcServerCert");

    /** mediamtx's older names of the RTSP keys (before v1.x renamed them), accepted as the same settings. */
    static final Map<String, String> ALIASES = Map.of("encryption", "rtspEncryption", "serverKey", "rtspServerKey",
            "serverCert", "rtspServerCert");

    public static final TlsConf DEFAULT =
            new TlsConf(TlsServerConf.OFF, ":8322", TlsServerConf.OFF, TlsServerConf.OFF, TlsServerConf.OFF);

    public TlsConf {
        Objects.requireNonNull(rtsp, "rtsp").check("rtsp");
        Addresses.check(rtspsAddress);
        Objects.requireNonNull(api, "api").check("api");
        Objects.requireNonNull(metrics, "metrics").check("metrics");
        Objects.requireNonNull(webrtc, "webrtc").check("webrtc");
    }

    static TlsConf read(ConfNode n, TlsConf d) {
        TlsServerConf rtsp = new TlsServerConf(
                aliased(n, "encryption", "rtspEncryption", d.rtsp().encryption(),
                        v -> Encryption.parse("rtspEncryption", text(v))),
                aliased(n, "serverKey", "rtspServerKey", d.rtsp().serverKey(), ConfNode::text),
                aliased(n, "serverCert", "rtspServerCert", d.rtsp().serverCert(), ConfNode::text));
        String rtspsAddress = n.get("rtspsAddress", d.rtspsAddress(), v -> Addresses.check(ConfNode.text(v)));
        TlsServerConf api = http(n, "api", d.api());
        TlsServerConf metrics = http(n, "metrics", d.metrics());
        TlsServerConf webrtc = http(n, "webrtc", d.webrtc());
        int before = n.problems().size();
        for (var s : List.of(Map.entry("rtsp", rtsp), Map.entry("api", api), Map.entry("metrics", metrics),
                Map.entry("webrtc", webrtc))) {
            try {
                s.getValue().check(s.getKey());
            } catch (BadValue e) {
                n.problems().add(n.keyPath(s.getKey() + "Encryption"), e);
            }
        }
        return n.problems().size() == before ? new TlsConf(rtsp, rtspsAddress, api, metrics, webrtc) : d;
    }

    private static TlsServerConf http(ConfNode n, String prefix, TlsServerConf d) {
        String key = prefix + "Encryption";
        return new TlsServerConf(n.get(key, d.encryption(), v -> Encryption.parseHttp(key, text(v))),
                n.string(prefix + "ServerKey", d.serverKey()), n.string(prefix + "ServerCert", d.serverCert()));
    }

    /** A YAML boolean (a bare no/yes in YAML 1.1 readers) as its word, anything else as text. */
    private static String text(JsonNode v) {
        return v.isBoolean() ? Boolean.toString(v.booleanValue()) : ConfNode.text(v);
    }

    /** Reads a key written under its older name, its newer one, or both when they agree. */
    private static <T> T aliased(ConfNode n, String old, String key, T def,
            java.util.function.Function<JsonNode, T> read) {
        T newer = n.get(key, def, read);
        if (!n.has(old)) {
            return newer;
        }
        T older = n.get(old, def, read);
        if (n.has(key) && !older.equals(newer)) {
            n.problems().add(n.keyPath(old), "'" + old + "' (the older name of " + key + ") says '" + shown(older)
                    + "' but " + key + " says '" + shown(newer) + "'", "only " + key + ", or both with one value");
            return newer;
        }
        return older;
    }

    private static String shown(Object v) {
        return v instanceof Encryption e ? e.yaml() : v.toString();
    }
}
