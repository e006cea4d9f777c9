package io.sluice.conf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * MediamtxKeys is the table of mediamtx's keys that Sluice loads but does not implement, with mediamtx's
 * default of each (v1.20's mediamtx.yml) and what Sluice does instead. A file that writes one of them at its
 * default loads quietly (so a stock mediamtx.yml starts without a word); a file that writes another value gets
 * one warning per key, at start and at each reload, naming the key, the value and what Sluice does instead.
 * Nothing is ignored silently, and a key that is in neither this table nor a component's is an error.
 *
 * <p>The rows are grouped by feature: one sentence says what Sluice does instead for the whole group. They
 * cover the stock files of two mediamtx releases (fixtures mediamtx-003b535.yml and the older
 * mediamtx-0b63561.yml): keys only the older one has are rows too, and a default that changed between them
 * (udpMaxPayloadSize) is quiet at either value.
 */
final class MediamtxKeys {

    /** Reads the defaults; its own, since ConfLoader's is made after this table (ConfLoader reads it). */
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String UDP_BUFFER = "Sluice keeps the operating system's UDP receive buffer size";
    private static final String NO_CORS_LIST = "Sluice answers every origin (Access-Control-Allow-Origin: *)";
    private static final String NO_PROXIES = "Sluice does not read X-Forwarded-For; logs name the peer's address";
    private static final String AUTH_INTERNAL = "Sluice authenticates with authInternalUsers only";

    /** mediamtx's top-level keys that Sluice does not implement. */
    static final List<Key<Void>> TOP = new Rows()
            .group("Sluice logs plain text lines", "logStructured", "false")
            .group("Sluice does not log to syslog", "sysLogPrefix", "mediamtx")
            .group("Sluice forwards RTP packets at the size the publisher sent them", "udpMaxPayloadSize", "1452")
            .alsoQuietAt("udpMaxPayloadSize", "1472")
            .group(UDP_BUFFER, "udpReadBufferSize", "0",
                    "rtspUDPReadBufferSize", "0")
            .group(AUTH_INTERNAL, "authHTTPAddress", "", "authHTTPFingerprint", "",
                    "authHTTPExclude", "[{action: api}, {action: metrics}, {action: pprof}]", "authJWTJWKS", "",
                    "authJWTJWKSFingerprint", "", "authJWTClaimKey", "mediamtx_permissions", "authJWTExclude", "[]",
                    "authJWTInHTTPQuery", "true")
            .group(NO_CORS_LIST, "apiAllowOrigins", "['*']", "metricsAllowOrigins", "['*']",
                    "webrtcAllowOrigins", "['*']", "apiAllowOrigin", "'*'", "metricsAllowOrigin", "'*'",
                    "webrtcAllowOrigin", "'*'")
            .group(NO_PROXIES, "apiTrustedProxies", "[]", "metricsTrustedProxies", "[]", "webrtcTrustedProxies", "[]")
            .group("Sluice has no pprof server; profile the JVM with JDK Flight Recorder (jcmd PID JFR.start)",
                    "pprof", "false", "pprofAddress", ":9999", "pprofEncryption", "false", "pprofServerKey",
                    "server.key", "pprofServerCert", "server.crt", "pprofAllowOrigins", "['*']", "pprofAllowOrigin", "'*'",
                    "pprofTrustedProxies", "[]")
            .group("Sluice does not record, so it has no playback server", "playback", "false", "playbackAddress",
                    ":9996", "playbackEncryption", "false", "playbackServerKey", "server.key", "playbackServerCert",
                    "server.crt", "playbackAllowOrigins", "['*']", "playbackAllowOrigin", "'*'", "playbackTrustedProxies", "[]")
            .group("Sluice serves RTSP over unicast UDP and TCP only, no multicast", "multicastIPRange",
                    "224.1.0.0/16", "multicastRTPPort", "8002", "multicastRTCPPort", "8003", "multicastSRTPPort",
                    "8006", "multicastSRTCPPort", "8007")
            .group("Sluice's RTSPS carries RTP inside the TLS connection; no SRTP over UDP", "srtpAddress", ":8004",
                    "srtcpAddress", ":8005")
            .group("Sluice has no HLS server; read the stream over RTSP, RTMP, SRT or WHEP", "hls", "true",
                    "hlsAddress", ":8888", "hlsEncryption", "false", "hlsServerKey", "server.key", "hlsServerCert",
                    "server.crt", "hlsAllowOrigins", "['*']", "hlsAllowOrigin", "'*'", "hlsTrustedProxies", "[]", "hlsAlwaysRemux", "false",
                    "hlsVariant", "lowLatency", "hlsSegmentCount", "7", "hlsSegmentDuration", "1s",
                    "hlsPartDuration", "200ms", "hlsSegmentMaxSize", "50M", "hlsDirectory", "''",
                    "hlsMuxerCloseAfter", "60s")
            .group("Sluice advertises every local interface address; add others with webrtcAdditionalHosts",
                    "webrtcIPsFromInterfaces", "true", "webrtcIPsFromInterfacesList", "[]")
            .group("Sluice reads ICE servers from webrtcICEServers (stun:host:port, turn:user:pass@host:port)",
                    "webrtcICEServers2", "[]")
            .group("Sluice bounds a WHIP/WHEP exchange by handshakeTimeout", "webrtcSTUNGatherTimeout", "5s",
                    "webrtcHandshakeTimeout", "10s", "webrtcTrackGatherTimeout", "2s")
            .keys();

    /** mediamtx's path keys (in pathDefaults and in path entries) that Sluice does not implement. */
    static final List<Key<Void>> PATH = new Rows()
            .group("Sluice's RTSP source plays from the live edge (it sends no Range header)", "rtspRangeType", "",
                    "rtspRangeStart", "")
            .group("Sluice's RTSP source binds RTP/RTCP on free ports the system picks", "rtspUDPSourcePortRange",
                    "[10000, 65535]")
            .group("Sluice has no RTP-over-UDP source (udp+rtp), so no rtpSDP", "rtpSDP", "")
            .group("Sluice's WHEP source bounds its exchange by readTimeout", "whepSTUNGatherTimeout", "5s",
                    "whepHandshakeTimeout", "10s", "whepTrackGatherTimeout", "2s")
            .group("Sluice has no redirect source", "sourceRedirect", "")
            .group(UDP_BUFFER, "rtspUDPReadBufferSize", "0", "mpegtsUDPReadBufferSize", "0",
                    "rtpUDPReadBufferSize", "0")
            .group("Sluice forwards timestamps relative to the stream's start", "useAbsoluteTimestamp", "false")
            .group("Sluice has no offline segment; readers and targets wait publisherGrace for the publisher",
                    "alwaysAvailable", "false", "alwaysAvailableFile", "''", "alwaysAvailableTracks",
                    "[{codec: H264}]")
            .group("Sluice does not record; record a reader instead (ffmpeg -i rtsp://HOST:8554/PATH -c copy)",
                    "record", "false", "recordPath", "./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "recordFormat", "fmp4",
                    "recordPartDuration", "1s", "recordMaxPartSize", "50M", "recordSegmentDuration", "1h",
                    "recordDeleteAfter", "1d", "runOnRecordSegmentCreate", "", "runOnRecordSegmentComplete", "")
            .rpiCamera()
            .keys();

    private MediamtxKeys() {
    }

    /** Builds the rows: name/default pairs under one sentence of what Sluice does instead. */
    private static final class Rows {
        /** Per key, in order: what Sluice does instead, and the values (YAML) that leave it quiet. */
        private final Map<String, Map.Entry<String, List<String>>> rows = new LinkedHashMap<>();

        Rows group(String instead, String... nameDefault) {
            for (int i = 0; i < nameDefault.length; i += 2) {
                rows.put(nameDefault[i], Map.entry(instead, new ArrayList<>(List.of(nameDefault[i + 1]))));
            }
            return this;
        }

        /** Another release's default of a row's key: quiet too. */
        Rows alsoQuietAt(String name, String mediamtxDefault) {
            rows.get(name).getValue().add(mediamtxDefault);
            return this;
        }

        /** mediamtx's Raspberry Pi camera settings: used only with source: rpiCamera. */
        Rows rpiCamera() {
            String instead = "Sluice has no Raspberry Pi camera source; publish it with rpicam-vid piped to ffmpeg";
            return group(instead, "rpiCameraCamID", "0", "rpiCameraSecondary", "false", "rpiCameraWidth", "1920",
                    "rpiCameraHeight", "1080", "rpiCameraHFlip", "false", "rpiCameraVFlip", "false",
                    "rpiCameraBrightness", "0", "rpiCameraContrast", "1", "rpiCameraSaturation", "1",
                    "rpiCameraSharpness", "1", "rpiCameraExposure", "normal", "rpiCameraAWB", "auto",
                    "rpiCameraAWBGains", "[0, 0]", "rpiCameraDenoise", "'off'", "rpiCameraShutter", "0",
                    "rpiCameraMetering", "centre", "rpiCameraGain", "0", "rpiCameraEV", "0", "rpiCameraROI", "",
                    "rpiCameraHDR", "false", "rpiCameraTuningFile", "", "rpiCameraMode", "", "rpiCameraFPS", "30",
                    "rpiCameraAfMode", "continuous", "rpiCameraAfRange", "normal", "rpiCameraAfSpeed", "normal",
                    "rpiCameraLensPosition", "0.0", "rpiCameraAfWindow", "", "rpiCameraFlickerPeriod", "0",
                    "rpiCameraTextOverlayEnable", "false", "rpiCameraTextOverlay", "'%Y-%m-%d %H:%M:%S - MediaMTX'",
                    "rpiCameraCodec", "auto", "rpiCameraIDRPeriod", "60", "rpiCameraBitrate", "5000000",
                    "rpiCameraHardwareH264Profile", "main", "rpiCameraHardwareH264Level", "'4.1'",
                    "rpiCameraSoftwareH264Profile", "baseline", "rpiCameraSoftwareH264Level", "'4.1'",
                    "rpiCameraMJPEGQuality", "60");
        }

        List<Key<Void>> keys() {
            return rows.entrySet().stream().map(r -> unimplemented(r.getKey(), r.getValue().getValue(),
                    r.getValue().getKey())).toList();
        }
    }

    /**
     * A key Sluice loads and does not implement: a value other than mediamtx's defaults (written as YAML) is
     * a warning naming the key, the value (secrets and URL credentials masked) and instead.
     */
    static Key<Void> unimplemented(String name, List<String> mediamtxDefaults, String instead) {
        List<Object> quiet = mediamtxDefaults.stream().map(y -> normal(parse(y))).toList();
        return new Key<>(name, null, (n, key, d) -> {
            JsonNode v = n.raw(key);
            // absent or "key:" (null) leaves mediamtx's default, as in mediamtx
            if (n.has(key) && !quiet.contains(normal(v))) {
                n.problems().warn(n.keyPath(key), shown(key, v) + " — " + instead);
            }
            return d;
        }, "", Key.Support.IGNORED);
    }

    private static JsonNode parse(String yaml) {
        return YAML.readTree("v: " + yaml).get("v");
    }

    /**
     * A value in a form where mediamtx's equal spellings are equal: yes/true and no/false, 0.0 and 0, and
     * absent, null, '', [] and {} (every "nothing").
     */
    static Object normal(JsonNode v) {
        if (v == null || v.isNull() || v.isContainer() && v.isEmpty() || v.isString() && v.stringValue().isEmpty()) {
            return "";
        }
        if (v.isArray()) {
            List<Object> out = new ArrayList<>();
            v.forEach(e -> out.add(normal(e)));
            return out;
        }
        if (v.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            v.propertyNames().forEach(k -> out.put(k, normal(v.get(k))));
            return out;
        }
        if (v.isBoolean()) {
            return Boolean.toString(v.booleanValue());
        }
        if (v.isNumber()) {
            return v.isIntegralNumber() ? v.asString() : Double.toString(v.doubleValue()).replaceAll("\\.0$", "");
        }
        String s = v.asString();
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> "true";
            case "no", "false" -> "false";
            default -> s;
        };
    }

    private static String shown(String key, JsonNode v) {
        if (v == null || v.isNull()) {
            return "(empty)";
        }
        String lower = key.toLowerCase(Locale.ROOT);
        if (lower.contains("token") || lower.contains("pass")) {
            return Redact.MASK;
        }
        String text = v.isValueNode() ? v.asString() : v.toString();
        return Redact.text(text);
    }

    /** Every row's name, for tests. */
    static Stream<String> names() {
        return Stream.concat(TOP.stream(), PATH.stream()).map(Key::name);
    }
}
