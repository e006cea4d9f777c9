package io.sluice.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.webrtc.WebrtcRoute.BadPath;
import io.sluice.server.webrtc.WebrtcRoute.Endpoint;
import io.sluice.server.webrtc.WebrtcRoute.Index;
import io.sluice.server.webrtc.WebrtcRoute.Kind;
import io.sluice.server.webrtc.WebrtcRoute.NotFound;
import io.sluice.server.webrtc.WebrtcRoute.PublishPage;
import io.sluice.server.webrtc.WebrtcRoute.ReadPage;
import io.sluice.server.webrtc.WebrtcRoute.Session;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebrtcRouteTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("/", new Index()),
                Arguments.of("", new Index()),
                Arguments.of("/cam", new ReadPage("cam")),
                Arguments.of("/live/cam1", new ReadPage("live/cam1")),
                Arguments.of("/live/cam1/", new ReadPage("live/cam1")),
                Arguments.of("/live/cam1/publish", new PublishPage("live/cam1")),
                Arguments.of("/a_b.c~d-e/whip", new Endpoint("a_b.c~d-e", Kind.WHIP)),
                Arguments.of("/live/cam1/whep", new Endpoint("live/cam1", Kind.WHEP)),
                Arguments.of("/live/cam1/whip/", new Endpoint("live/cam1", Kind.WHIP)),
                Arguments.of("/live/cam1/whip/s-1_a.b~", new Session("live/cam1", Kind.WHIP, "s-1_a.b~")),
                Arguments.of("/x/whep/abc", new Session("x", Kind.WHEP, "abc")),
                Arguments.of("/whip", new NotFound()),
                Arguments.of("//whip", new NotFound()),
                Arguments.of("/whep/abc", new NotFound()),
                Arguments.of("/publish", new NotFound()),
                Arguments.of("/favicon.ico", new NotFound()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void parses(String path, WebrtcRoute expected) {
        assertThat(WebrtcRoute.parse(path)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/live/../etc", "/../x/whip", "/a..b/whep", "/..", "/a//b", "/a/./b/whip",
            "/a b", "/a%b", "/a?b", "/ä", "/a\\b", "/a/whip/x/y", "/publish/x", "/a/whip/bad!id", "/a/whip/..",
            "/a/whep/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void refusesBadNames(String path) {
        assertThat(WebrtcRoute.parse(path)).isInstanceOf(BadPath.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/live/../etc", "/a%b"})
    void reasonNeverEchoesTheName(String path) {
        assertThat(((BadPath) WebrtcRoute.parse(path)).reason()).doesNotContain(path.substring(1));
    }

    @Test
    void locationIsTheSessionUrl() {
        assertThat(new Endpoint("live/cam1", Kind.WHEP).location("abc")).isEqualTo("/live/cam1/whep/abc");
    }
}
