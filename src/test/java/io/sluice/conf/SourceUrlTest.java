package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A path's {@code source:} as mediamtx writes it, and the source keys' rules. */
class SourceUrlTest {

    static Stream<Arguments> good() {
        return Stream.of(
                Arguments.of("publisher", new SourceUrl.Publisher()),
                Arguments.of("rtsp://u:p@cam:8554/s1", new SourceUrl.Remote(
                        new DestUrl.Rtsp("rtsp://u:p@cam:8554/s1", false, "cam", 8554, "/s1", "u", "p"))),
                Arguments.of("rtmps://h/app/key", new SourceUrl.Remote(
                        new DestUrl.Rtmp("rtmps://h/app/key", true, "h", 443, "app", "key", "", ""))),
                Arguments.of("srt://h:9000?streamid=read:cam", new SourceUrl.Remote(
                        new DestUrl.Srt("srt://h:9000?streamid=read:cam", "h", 9000, Map.of("streamid", "read:cam")))),
                Arguments.of("wheps://h/cam/whep?token=t", new SourceUrl.Remote(
                        new DestUrl.Whip("wheps://h/cam/whep?token=t", true, "h", 443, "/cam/whep", "t", false))),
                Arguments.of("whep://h:8889/cam/whep", new SourceUrl.Remote(
                        new DestUrl.Whip("whep://h:8889/cam/whep", false, "h", 8889, "/cam/whep", "", false))),
                Arguments.of("http://h/cam/whep", new SourceUrl.Remote(
                        new DestUrl.Whip("http://h/cam/whep", false, "h", 80, "/cam/whep", "", false))),
                Arguments.of("udp+mpegts://238.0.0.1:1234?source=10.0.0.5",
                        new SourceUrl.UdpMpegts("udp+mpegts://238.0.0.1:1234?source=10.0.0.5", "238.0.0.1", 1234,
                                "10.0.0.5")),
                Arguments.of("udp+mpegts://0.0.0.0:5000", new SourceUrl.UdpMpegts("udp+mpegts://0.0.0.0:5000",
                        "0.0.0.0", 5000, "")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("good")
    void parses(String value, SourceUrl expected) {
        assertThat(SourceUrlParser.parse(value)).isEqualTo(expected);
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of("redirect", "source 'redirect': Sluice does not redirect readers"),
                Arguments.of("rpiCamera", "source 'rpiCamera': Sluice has no Raspberry Pi camera source"),
                Arguments.of("whip://h/x", "unknown scheme 'whip'; accepted: publisher, rtsp://"),
                Arguments.of("ftp://h/x", "unknown scheme 'ftp'"),
                Arguments.of("udp+rtp://h:1234", "source 'udp+rtp://h:1234': Sluice has no RTP-over-UDP source"),
                Arguments.of("udp+mpegts://:1234", "missing host in 'udp+mpegts://:1234'"),
                Arguments.of("udp+mpegts://h", "address 'h' has no port in 'udp+mpegts://h'"),
                Arguments.of("udp+mpegts://h:1?source=nohost", "source=nohost in 'udp+mpegts://h:1?source=nohost' is"
                        + " not an IP address"),
                Arguments.of("whep://u:p@h/x", "credentials before '@' in a WHEP URL"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("bad")
    void rejects(String value, String message) {
        assertThatThrownBy(() -> SourceUrlParser.parse(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void targetsStillRefuseWhepSchemes() {
        assertThatThrownBy(() -> DestUrl.parse("whep://h/x")).hasMessageStartingWith("unknown scheme 'whep'");
    }

    @Test
    void sourceKeysAreReadWithMediamtxsDefaultsAndPathDefaultsApply() throws Exception {
        Conf c = ConfLoader.parse("""
                pathDefaults:
                  rtspTransport: tcp
                  sourceReconnectDelay: 1s
                paths:
                  cam:
                    source: rtsps://cam.local/s
                    sourceFingerprint: "AB:%s"
                    rtspAnyPort: yes
                  live:
                """.formatted("cd".repeat(31)), "s.yml");
        SourceConf cam = c.pathFor("cam").source();
        assertThat(cam.rtspTransport()).isEqualTo(RtspTransport.TCP);
        assertThat(cam.rtspAnyPort()).isTrue();
        assertThat(cam.fingerprint()).isEqualTo("ab" + "cd".repeat(31));
        assertThat(cam.reconnectDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(cam.reconnectMaxDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.pathFor("cam").pullsAlways()).isTrue();
        SourceConf live = c.pathFor("live").source();
        assertThat(live.pulls()).isFalse();
        assertThat(live.onDemandStartTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(live.onDemandCloseAfter()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aLongReconnectDelayAloneRaisesTheDefaultCap() throws Exception {
        Conf c = ConfLoader.parse("paths:\n  cam:\n    source: rtsp://c/s\n    sourceReconnectDelay: 1m\n", "s.yml");
        assertThat(c.pathFor("cam").source().reconnectMaxDelay()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aRegexOrCatchAllEntryThatPullsMustBeOnDemand() {
        assertThatThrownBy(() -> ConfLoader.parse("paths:\n  ~^cam([0-9]+)$:\n    source: rtsp://c/$G1\n", "r.yml"))
                .isInstanceOf(ConfException.class)
                .hasMessageContaining("'~^cam([0-9]+)$' matches many paths and pulls from rtsp://c/$G1, so it must"
                        + " have sourceOnDemand: yes");
        assertThatThrownBy(() -> ConfLoader.parse("paths:\n  all_others:\n    source: rtsp://c/x\n", "r.yml"))
                .isInstanceOf(ConfException.class).hasMessageContaining("sourceOnDemand: yes");
    }

    @Test
    void pathDefaultsMayPullForExactPaths() throws Exception {
        Conf c = ConfLoader.parse("pathDefaults:\n  source: rtsp://c/$MTX_PATH\npaths:\n  cam1:\n", "d.yml");
        assertThat(c.pathFor("cam1").sourceFor("cam1").url().raw()).isEqualTo("rtsp://c/cam1");
    }

    @Test
    void sourceForExpandsTheGroupsOfARegexEntry() throws Exception {
        Conf c = ConfLoader.parse("""
                paths:
                  "~^site(\\\\d)/cam(\\\\d+)$":
                    source: rtsp://10.0.$G1.$G2:554/$MTX_PATH
                    sourceOnDemand: yes
                """, "r.yml");
        PathConf pc = c.pathFor("site3/cam17");
        assertThat(pc.sourceFor("site3/cam17").url()).isInstanceOfSatisfying(SourceUrl.Remote.class,
                r -> assertThat(r.url()).isEqualTo(new DestUrl.Rtsp("rtsp://10.0.3.17:554/site3/cam17", false,
                        "10.0.3.17", 554, "/site3/cam17", "", "")));
        assertThat(pc.source().url().raw()).isEqualTo("rtsp://10.0.$G1.$G2:554/$MTX_PATH");
    }

    @Test
    void rtspTransportMulticastIsRefusedByName() {
        assertThatThrownBy(() -> ConfLoader.parse("paths:\n  cam:\n    source: rtsp://c/s\n"
                + "    rtspTransport: multicast\n", "m.yml")).isInstanceOf(ConfException.class)
                .hasMessageContaining("rtspTransport multicast: Sluice's RTSP source reads unicast UDP or TCP only");
    }

    @Test
    void theEntrysSourceKeysAreListedAmongThePathKeys() {
        assertThat(PathConf.KEYS.stream().map(Key::name).toList()).containsSubsequence(List.of("source",
                "sourceFingerprint", "sourceOnDemand", "sourceOnDemandStartTimeout", "sourceOnDemandCloseAfter",
                "rtspTransport", "rtspAnyPort", "whepBearerToken", "sourceReconnectDelay", "sourceReconnectMaxDelay"));
    }
}
