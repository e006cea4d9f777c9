package io.sluice.protocol.rtsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RtspUrlTest {

    /** url, user, password, host, port, path, query, withoutCredentials. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("rtsp://127.0.0.1:8554/live/x", null, null, "127.0.0.1", 8554, "/live/x", null,
                        "rtsp://127.0.0.1:8554/live/x"),
                Arguments.of("rtsp://cam.local/Streaming/Channels/101?transportmode=unicast", null, null, "cam.local",
                        554, "/Streaming/Channels/101", "transportmode=unicast",
                        "rtsp://cam.local/Streaming/Channels/101?transportmode=unicast"),
                Arguments.of("rtsps://admin:p%40ss%3Aw@cam:8322/a%20b", "admin", "p@ss:w", "cam", 8322, "/a b", null,
                        "rtsps://cam:8322/a%20b"),
                Arguments.of("rtsps://h", null, null, "h", 322, "", null, "rtsps://h"),
                Arguments.of("rtsp://user:pa@ss#1@[::1]:8554/x/", "user", "pa@ss#1", "::1", 8554, "/x/", null,
                        "rtsp://[::1]:8554/x/"),
                Arguments.of("RTSP://onlyuser@h/p", "onlyuser", null, "h", 554, "/p", null, "rtsp://h/p"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parses(String url, String user, String pass, String host, int port, String path, String query, String clean) {
        RtspUrl u = RtspUrl.parse(url);
        assertThat(u.user()).isEqualTo(user);
        assertThat(u.password()).isEqualTo(pass);
        assertThat(u.host()).isEqualTo(host);
        assertThat(u.port()).isEqualTo(port);
        assertThat(u.path()).isEqualTo(path);
        assertThat(u.query()).isEqualTo(query);
        assertThat(u.withoutCredentials()).isEqualTo(clean).isEqualTo(u.toString());
        assertThat(RtspUrl.redact(url)).doesNotContain("p@ss", "p%40ss");
    }

    @Test
    void redactMasksQueryCredentials() {
        assertThat(RtspUrl.redact("rtsp://u:S3cr3t@127.0.0.1:8554/live/a?user=u&pass=Pw-1&x=1"))
                .isEqualTo("rtsp://127.0.0.1:8554/live/a?user=u&pass=***&x=1");
        assertThat(RtspUrl.redact("/live/a?token=T0k;Password=P2 RTSP/1.0")).isEqualTo("/live/a?token=***;Password=*** RTSP/1.0");
        assertThat(RtspUrl.redact("rtsp://h/live/a?passphrase=abc#frag")).isEqualTo("rtsp://h/live/a?passphrase=***#frag");
        assertThat(RtspUrl.redact("rtsp://h/live/a?bypass=1&compass=2")).isEqualTo("rtsp://h/live/a?bypass=1&compass=2");
        assertThat(RtspUrl.redact("not a url")).isEqualTo("not a url");
    }

    @Test
    void rejectsBadUrls() {
        assertThatThrownBy(() -> RtspUrl.parse("http://h/x")).isInstanceOf(RtspProtocolException.class)
                .hasMessageContaining("expected rtsp://");
        assertThatThrownBy(() -> RtspUrl.parse("rtsp://u:secret@h:99999/x")).isInstanceOf(RtspProtocolException.class)
                .hasMessageContaining("\"99999\"").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RtspUrl.parse("rtsp:///x")).isInstanceOf(RtspProtocolException.class)
                .hasMessageContaining("missing host");
    }

    private static final List<String> FFMPEG = List.of("streamid=0", "streamid=1");
    private static final List<String> GST = List.of("stream=0", "stream=1");
    private static final List<String> SLUICE = List.of("trackID=0", "trackID=1");
    private static final List<String> HIK = List.of(
            "rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast",
            "rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=2?transportmode=unicast");

    /** setup URI, base path, controls, expected index. */
    static Stream<Arguments> setupCases() {
        return Stream.of(
                Arguments.of("rtsp://127.0.0.1:18554/live/x/streamid=1", "/live/x", FFMPEG, 1),
                Arguments.of("rtsp://127.0.0.1:18557/live/gst/stream=1", "/live/gst", GST, 1),
                Arguments.of("rtsp://h/live/x/trackID=0", "/live/x", SLUICE, 0),
                Arguments.of("rtsp://h/live/x/trackID=1/", "/live/x/", SLUICE, 1),
                Arguments.of("/live/x/trackID=1", "/live/x", SLUICE, 1),
                Arguments.of("rtsp://other-host:1/live/x/trackID=1", "/live/x", SLUICE, 1),
                Arguments.of("rtsp://h/live/x?token=a/trackID=1", "/live/x", SLUICE, 1),
                Arguments.of("rtsp://h/live/x/trackID=1?token=a", "/live/x", SLUICE, 1),
                Arguments.of("rtsp://192.168.1.64/Streaming/Channels/101/trackID=2?transportmode=unicast",
                        "/Streaming/Channels/101", HIK, 1),
                Arguments.of("rtsp://h/live/x", "/live/x", List.of(""), 0),
                Arguments.of("rtsp://h/live/x/", "/live/x", List.of("*"), 0),
                // client ignores a=control and appends its own suffix
                Arguments.of("rtsp://h/live/x/trackID=1", "/live/x", List.of("", ""), 1),
                Arguments.of("rtsp://h/live/x/streamid=0", "/live/x", SLUICE, 0),
                Arguments.of("rtsp://h/live/x/trackID=11", "/live/x", SLUICE, -1),
                Arguments.of("rtsp://h/live/x/trackID=5", "/live/x", SLUICE, -1),
                Arguments.of("rtsp://h/other/path", "/live/x", SLUICE, -1),
                Arguments.of("rtsp://h/live/x/a%20b", "/live/x", List.of("a b"), 0));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("setupCases")
    void mapsSetupUrisToMedias(String setupUri, String base, List<String> controls, int expected) {
        assertThat(RtspUrl.mediaIndexFromSetupUri(setupUri, base, controls)).isEqualTo(expected);
    }
}
