package io.sluice.forward.whip;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.conf.DestUrl;
import org.junit.jupiter.api.Test;

class WhipEndpointTest {

    private static WhipEndpoint of(String url) {
        return WhipEndpoint.of((DestUrl.Whip) DestUrl.parse(url));
    }

    @Test
    void whipAndHttpUrlsAreUsedAsWritten() {
        assertThat(of("whip://127.0.0.1:8889/live/cam/whip").uri()).hasToString("http://127.0.0.1:8889/live/cam/whip");
        assertThat(of("whips://example.com/a/b").uri()).hasToString("https://example.com:443/a/b");
        assertThat(of("http://h:9000/x/whip?foo=1&token=t").uri()).hasToString("http://h:9000/x/whip?foo=1");
        assertThat(of("whip://h/x").warning()).isNull();
    }

    @Test
    void webrtcSchemeMeansThePathsWhipEndpoint() {
        assertThat(of("webrtc://h/live/cam").uri()).hasToString("http://h:8889/live/cam/whip");
        assertThat(of("webrtc://h:1234/live/cam/whip").uri()).hasToString("http://h:1234/live/cam/whip");
        WhipEndpoint whep = of("webrtc://h/live/cam/whep");
        assertThat(whep.uri()).hasToString("http://h:8889/live/cam/whip");
        assertThat(whep.warning()).contains("/whep").contains("/live/cam/whip");
    }
}
