package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DestUrlTest {

    static Stream<Arguments> good() {
        return Stream.of(
                Arguments.of("rtsp://h/live/x", new DestUrl.Rtsp("rtsp://h/live/x", false, "h", 554, "/live/x", "", "")),
                Arguments.of("rtsp://h", new DestUrl.Rtsp("rtsp://h", false, "h", 554, "/", "", "")),
                Arguments.of("RTSPS://u:p%40ss@h:8322/x?y=1",
                        new DestUrl.Rtsp("RTSPS://u:p%40ss@h:8322/x?y=1", true, "h", 8322, "/x?y=1", "u", "p@ss")),
                Arguments.of("rtsps://[::1]/x", new DestUrl.Rtsp("rtsps://[::1]/x", true, "::1", 322, "/x", "", "")),
                Arguments.of("rtmp://a.b/live", new DestUrl.Rtmp("rtmp://a.b/live", false, "a.b", 1935, "live", "", "", "")),
                Arguments.of("rtmps://a.b/app/key/more?k=v",
                        new DestUrl.Rtmp("rtmps://a.b/app/key/more?k=v", true, "a.b", 443, "app", "key/more?k=v", "", "")),
                Arguments.of("rtmp://u:p@a.b:1936/app/key",
                        new DestUrl.Rtmp("rtmp://u:p@a.b:1936/app/key", false, "a.b", 1936, "app", "key", "u", "p")),
                Arguments.of("srt://h:8890?streamid=#!::r=live/x,m=publish&latency=200&pbkeylen=16",
                        new DestUrl.Srt("srt://h:8890?streamid=#!::r=live/x,m=publish&latency=200&pbkeylen=16", "h",
                                8890, Map.of("streamid", "#!::r=live/x,m=publish", "latency", "200", "pbkeylen", "16"))),
                Arguments.of("srt://10.0.0.1:9000", new DestUrl.Srt("srt://10.0.0.1:9000", "10.0.0.1", 9000, Map.of())),
                Arguments.of("whip://h/whip/ep?token=t%2Bk&x=1",
                        new DestUrl.Whip("whip://h/whip/ep?token=t%2Bk&x=1", false, "h", 80, "/whip/ep?x=1", "t+k", false)),
                Arguments.of("whips://h/ep", new DestUrl.Whip("whips://h/ep", true, "h", 443, "/ep", "", false)),
                Arguments.of("https://h:8443/ep", new DestUrl.Whip("https://h:8443/ep", true, "h", 8443, "/ep", "", false)),
                Arguments.of("http://h/ep", new DestUrl.Whip("http://h/ep", false, "h", 80, "/ep", "", false)),
                Arguments.of("webrtc://h/cam1", new DestUrl.Whip("webrtc://h/cam1", false, "h", 8889, "/cam1", "", true)));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("good")
    void parses(String url, DestUrl expected) {
        assertThat(DestUrl.parse(url)).isEqualTo(expected);
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of("", "empty URL; accepted: rtsp, rtsps,"),
                Arguments.of("htp://h/x", "unknown scheme 'htp'; accepted: rtsp, rtsps, rtmp, rtmps, srt, whip, whips, "
                        + "webrtc, http, https"),
                Arguments.of("h:554/x", "missing scheme in 'h:554/x'"),
                Arguments.of("rtsp:///x", "missing host"),
                Arguments.of("rtsp://h:0/x", "invalid port '0'; accepted: 1..65535"),
                Arguments.of("rtsp://h:abc/x", "invalid port 'abc'"),
                Arguments.of("rtsp://[zz]/x", "invalid IPv6 host 'zz'"),
                Arguments.of("rtsp://h_ost!/x", "invalid host 'h_ost!'"),
                Arguments.of("rtmp://h", "missing application name in 'rtmp://h'"),
                Arguments.of("srt://h", "missing port in 'srt://h'"),
                Arguments.of("srt://h:1/path", "unexpected path '/path'"),
                Arguments.of("srt://h:1?latency=abc", "query option latency='abc' is not an integer"),
                Arguments.of("srt://h:1?pbkeylen=8", "invalid pbkeylen 8; accepted: 0, 16, 24, 32"),
                Arguments.of("srt://h:1?passphrase=" + "x".repeat(80), "passphrase is 80 characters long"),
                Arguments.of("whip://u:p@h/x", "credentials before '@' in a WHIP URL"),
                Arguments.of("rtsp://u:p%zz@h/x", "bad percent-escape in password"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("bad")
    void rejects(String url, String message) {
        assertThatThrownBy(() -> DestUrl.parse(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void toStringHidesCredentials() {
        assertThat(DestUrl.parse("rtsp://user:secret@h/x").toString()).isEqualTo("Rtsp[rtsp://***@h/x]");
        assertThat(DestUrl.parse("rtmp://user:secret@h/app/k").toString()).doesNotContain("secret");
        assertThat(DestUrl.parse("srt://h:1?passphrase=secret12345").toString()).doesNotContain("secret");
        assertThat(DestUrl.parse("whip://h/x?token=secret").toString()).doesNotContain("secret");
    }
}
