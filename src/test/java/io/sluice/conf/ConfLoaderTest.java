package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConfLoaderTest {

    @Test
    void emptyFileEmbeddedFileAndRecordDefaultsAreEqual() throws Exception {
        Conf empty = ConfLoader.parse("{}", "empty.yml");
        Conf blank = ConfLoader.parse("", "blank.yml");
        Conf embedded = ConfLoader.defaults();
        // Field by field first, so a drift names the key.
        assertThat(embedded).usingRecursiveComparison().isEqualTo(empty);
        assertThat(embedded).isEqualTo(empty).isEqualTo(blank).isEqualTo(Conf.DEFAULT);
        assertThat(empty.log().level()).isEqualTo("info");
        assertThat(empty.rtsp().address()).isEqualTo(":8554");
        assertThat(empty.rtsp().transports()).containsExactly(RtspTransport.UDP, RtspTransport.TCP);
        assertThat(empty.io().readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(empty.io().writeQueueSize()).isEqualTo(512);
        assertThat(empty.paths()).extracting(PathConf::name).containsExactly("all_others");
    }

    @Test
    void authInternalUsersDefaultIsMediamtxs() throws Exception {
        assertThat(Conf.DEFAULT.auth().internalUsers()).hasSize(2);
        AuthUser media = Conf.DEFAULT.auth().internalUsers().get(0);
        assertThat(media.isAny()).isTrue();
        assertThat(media.ips()).isEmpty();
        assertThat(media.permissions()).extracting(AuthPermission::action)
                .containsExactly(AuthAction.PUBLISH, AuthAction.READ, AuthAction.PLAYBACK);
        assertThat(media.permissions()).allMatch(AuthPermission::anyPath);
        AuthUser admin = Conf.DEFAULT.auth().internalUsers().get(1);
        assertThat(admin.ips()).containsExactly("127.0.0.1", "::1");
        assertThat(admin.permissions()).extracting(AuthPermission::action)
                .containsExactly(AuthAction.API, AuthAction.METRICS, AuthAction.PPROF);
        assertThat(ConfLoader.parse("authInternalUsers:", "n.yml").auth().internalUsers())
                .isEqualTo(Conf.DEFAULT.auth().internalUsers());
        assertThat(ConfLoader.parse("authInternalUsers: []", "e.yml").auth().internalUsers()).isEmpty();
        assertThat(ConfLoader.parse("authMethod: internal", "m.yml").auth().internalUsers())
                .isEqualTo(Conf.DEFAULT.auth().internalUsers());
    }

    @Test
    void authInternalUsersKeys() throws Exception {
        Conf c = ConfLoader.parse("""
                authInternalUsers:
                  - user: any
                    pass:
                    ips: []
                    permissions:
                      - action: read
                        path: ~^public/
                  - user: cam
                    pass: sha256:XohImNooBHFR0OVvjcYpJ3NgPQ1qq73WKhHvch0VQtg=
                    ips: [192.168.1.0/24, "2001:db8::/32", 10.0.0.1]
                    permissions:
                      - action: publish
                        path: cam1
                      - {action: api}
                  - user: 1234
                    pass: 5678
                    permissions: []
                """, "u.yml");
        assertThat(c.auth().internalUsers()).containsExactly(
                new AuthUser("any", "", List.of(), List.of(new AuthPermission(AuthAction.READ, "~^public/"))),
                new AuthUser("cam", "sha256:XohImNooBHFR0OVvjcYpJ3NgPQ1qq73WKhHvch0VQtg=",
                        List.of("192.168.1.0/24", "2001:db8::/32", "10.0.0.1"),
                        List.of(new AuthPermission(AuthAction.PUBLISH, "cam1"), new AuthPermission(AuthAction.API, ""))),
                new AuthUser("1234", "5678", List.of(), List.of()));
        assertThat(c.auth().internalUsers().get(1).hashedPass()).isTrue();
        assertThat(c.toString()).doesNotContain("XohImNoo", "5678");
    }

    @Test
    void webrtcServerKeys() throws Exception {
        Conf c = ConfLoader.parse("""
                webrtcAddress: 127.0.0.1:9889
                webrtcLocalUDPAddress: :9189
                webrtcLocalTCPAddress: :9190
                webrtcAdditionalHosts: [203.0.113.7, media.example.com]
                webrtcICEServers: ["stun:stun.example.com:3478", "turn:u:p@turn.example.com"]
                webrtcLazyStart: yes
                """, "w.yml");
        assertThat(c.webrtc()).isEqualTo(new WebrtcServerConf(true, "127.0.0.1:9889", ":9189", ":9190",
                List.of("203.0.113.7", "media.example.com"), List.of("stun:stun.example.com:3478",
                        "turn:u:p@turn.example.com"), TlsServerConf.OFF, true));
        assertThat(Conf.DEFAULT.webrtc().lazyStart()).as("WebRTC prepared at start by default").isFalse();
        assertThat(Conf.DEFAULT.webrtc().localUdpAddress()).isEqualTo(":8189");
        assertThat(Conf.DEFAULT.webrtc().localTcpAddress()).as("mediamtx's default: no ICE-TCP").isEmpty();
    }

    @Test
    void embeddedReferenceWritesEveryTopLevelKey() throws IOException {
        String yml = embeddedText();
        for (String key : ConfLoader.TOP_KEYS) {
            assertThat(yml).as("sluice.yml documents %s", key).containsPattern("(?m)^" + key + ":");
        }
    }

    /** The commented example in sluice.yml must stay a valid config showing every target key. */
    @Test
    void embeddedExampleParsesAndShowsEveryTargetKey() throws Exception {
        String yml = embeddedText();
        String block = yml.substring(yml.indexOf("# BEGIN EXAMPLE\n") + 16, yml.indexOf("# END EXAMPLE"));
        String example = block.lines().map(l -> l.replaceFirst("^# ?", "")).collect(Collectors.joining("\n"));
        for (String key : List.of("id", "url", "enable", "reconnect", "reconnectDelay", "reconnectMaxDelay",
                "maxReconnectTime", "username", "password", "queueSize", "rtspConfig", "transport", "srtConfig",
                "passphrase", "latency", "pbkeylen", "streamid", "webrtcConfig", "iceServers", "rtmpConfig",
                "forward", "dest", "publishUser", "publishPass", "readUser", "readPass")) {
            assertThat(example).as("example shows %s", key).containsPattern("\\b" + key + ":");
        }

        Conf conf = ConfLoader.parse(example, "sluice.yml example");
        assertThat(conf.pathFor("cam1").forwardTargets().get(3).webrtcConfig().relayOnly())
                .as("the example's whips target has iceTransportPolicy: relay").isTrue();

        PathConf cam1 = conf.pathFor("cam1");
        assertThat(cam1.forwardTargets()).extracting(d -> d.url().getClass().getSimpleName())
                .containsExactly("Rtsp", "Rtmp", "Srt", "Whip", "Rtmp");
        assertThat(conf.pathFor("cam7").name()).isEqualTo("~^cam[0-9]+$");
    }

    /** The design document's §4 example. */
    @Test
    void designExample() throws Exception {
        Conf conf = ConfLoader.parse("""
                paths:
                  mystream:
                    forwardTargets:
                      - url: webrtc://remote-server:8889/target-path/whep
                        enable: yes
                        reconnect: yes
                        reconnectDelay: 2s
                        webrtcConfig:
                          iceServers:
                            - stun:stun.l.google.com:19302
                      - url: rtsp://remote-server:8554/target-path
                        enable: yes
                        reconnect: yes
                        reconnectDelay: 2s
                        username: user
                        password: pass
                        rtspConfig:
                          transport: tcp
                      - url: srt://remote-server:8890?streamid=publish:target-path
                        enable: yes
                        reconnect: yes
                        srtConfig:
                          passphrase: mypassphrase
                          latency: 120
                      - url: rtmp://remote-server:1935/target-path
                        enable: no
                        reconnect: false
                        reconnectDelay: 1h30m
                        maxReconnectTime: 10m
                        username: user
                        password: pass
                """, "design.yml");

        assertThat(conf.paths()).extracting(PathConf::name).containsExactly("mystream");
        List<ForwardDest> t = conf.pathFor("mystream").forwardTargets();
        assertThat(t).extracting(ForwardDest::id).containsExactly(
                "remote-server-8889-0c45", "remote-server-8554-a7ce", "remote-server-8890-5a21",
                "remote-server-1935-f69c");

        ForwardDest webrtc = t.get(0);
        assertThat(webrtc.url()).isEqualTo(new DestUrl.Whip("webrtc://remote-server:8889/target-path/whep", false,
                "remote-server", 8889, "/target-path/whep", "", true));
        assertThat(webrtc.webrtcConfig().iceServers()).containsExactly("stun:stun.l.google.com:19302");
        assertThat(webrtc.webrtcConfig().relayOnly()).as("iceTransportPolicy defaults to all").isFalse();
        assertThat(webrtc.reconnectDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(webrtc.reconnectMaxDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(webrtc.maxReconnectTime()).isZero();
        assertThat(webrtc.rtspConfig()).isEqualTo(RtspDestConf.DEFAULT);

        ForwardDest rtsp = t.get(1);
        assertThat(rtsp.url()).isEqualTo(new DestUrl.Rtsp("rtsp://remote-server:8554/target-path", false,
                "remote-server", 8554, "/target-path", "", ""));
        assertThat(rtsp.rtspConfig().transport()).isEqualTo(RtspTransport.TCP);
        assertThat(rtsp.username()).isEqualTo("user");
        assertThat(rtsp.password()).isEqualTo("pass");
        assertThat(rtsp.enable()).isTrue();
        assertThat(rtsp.reconnect()).isTrue();

        ForwardDest srt = t.get(2);
        assertThat(srt.url()).isEqualTo(new DestUrl.Srt("srt://remote-server:8890?streamid=publish:target-path",
                "remote-server", 8890, Map.of("streamid", "publish:target-path")));
        assertThat(srt.srtConfig()).isEqualTo(new SrtDestConf("mypassphrase", 120, 0, ""));

        ForwardDest rtmp = t.get(3);
        assertThat(rtmp.url()).isEqualTo(new DestUrl.Rtmp("rtmp://remote-server:1935/target-path", false,
                "remote-server", 1935, "target-path", "", "", ""));
        assertThat(rtmp.enable()).isFalse();
        assertThat(rtmp.reconnect()).isFalse();
        assertThat(rtmp.reconnectDelay()).isEqualTo(Duration.ofMinutes(90));
        assertThat(rtmp.reconnectMaxDelay()).as("cap grows to the delay").isEqualTo(Duration.ofMinutes(90));
        assertThat(rtmp.maxReconnectTime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(rtmp.queueSize()).isZero();
    }

    @Test
    void topLevelKeys() throws Exception {
        Conf conf = ConfLoader.parse("""
                logLevel: debug
                rtspAddress: 127.0.0.1:0
                rtpAddress: "[::1]:18000"
                rtmpAddress: localhost:1936
                rtspTransports: [tcp]
                readTimeout: 500ms
                writeTimeout: 3
                writeQueueSize: 1024
                serverKey: /etc/k.pem
                serverCert: /etc/c.pem
                """, "t.yml");
        assertThat(conf.log().level()).isEqualTo("debug");
        assertThat(conf.rtsp().address()).isEqualTo("127.0.0.1:0");
        assertThat(conf.rtsp().rtpAddress()).isEqualTo("[::1]:18000");
        assertThat(conf.rtsp().transports()).containsExactly(RtspTransport.TCP);
        assertThat(conf.io().readTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(conf.io().writeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(conf.io().writeQueueSize()).isEqualTo(1024);
        assertThat(conf.rtsp().tls().serverCert()).isEqualTo("/etc/c.pem");
        assertThat(conf.rtsp().rtcpAddress()).isEqualTo(":8001");
    }

    @Test
    void mediamtxForwardEntryMapsToForwardDest() throws Exception {
        Conf conf = ConfLoader.parse("""
                rtsp: yes
                hls: no
                rtspTransports: [udp, multicast, tcp]
                paths:
                  cam1:
                    source: publisher
                    record: no
                    forwardTargets:
                      - url: rtsp://a.example/cam1
                    forward:
                      - dest: rtmp://b.example/live/cam1?key=1
                """, "mediamtx.yml");
        List<ForwardDest> t = conf.pathFor("cam1").forwardTargets();
        assertThat(t).hasSize(2);
        assertThat(t.get(0).url()).isInstanceOf(DestUrl.Rtsp.class);
        ForwardDest fwd = t.get(1);
        assertThat(fwd.id()).isEqualTo("b.example-1935-a3c0");
        assertThat(fwd.url()).isEqualTo(new DestUrl.Rtmp("rtmp://b.example/live/cam1?key=1", false, "b.example", 1935,
                "live", "cam1?key=1", "", ""));
        assertThat(fwd).isEqualTo(new ForwardDest("b.example-1935-a3c0", fwd.url(), true, true, Duration.ofSeconds(2),
                Duration.ofSeconds(30), Duration.ZERO, "", "", RtspDestConf.DEFAULT, SrtDestConf.DEFAULT,
                WebrtcDestConf.DEFAULT, RtmpDestConf.DEFAULT, 0, "", ForwardCondition.ALWAYS));
        assertThat(conf.rtsp().transports()).isEqualTo(EnumSet.of(RtspTransport.UDP, RtspTransport.TCP));
    }

    @Test
    void derivedIdsAreStableAndAvoidExplicitOnes() throws Exception {
        String yaml = """
                paths:
                  p:
                    forwardTargets:
                      - url: rtsp://h/a
                      - id: h-554-965c
                        url: rtsp://h/b
                      - url: rtsp://[::1]:8554/c
                      - url: rtsp://h/a
                """;
        List<ForwardDest> t = ConfLoader.parse(yaml, "a.yml").pathFor("p").forwardTargets();
        assertThat(t).extracting(ForwardDest::id)
                .containsExactly("h-554-965c-2", "h-554-965c", "__1-8554-5283", "h-554-965c-3");
        // an id depends on its own URL only: removing another target does not change it
        String without = yaml.replace("      - id: h-554-965c\n        url: rtsp://h/b\n", "");
        assertThat(ConfLoader.parse(without, "c.yml").pathFor("p").forwardTargets()).extracting(ForwardDest::id)
                .containsExactly("h-554-965c", "__1-8554-5283", "h-554-965c-2");
        assertThat(ConfLoader.parse(yaml, "b.yml")).isEqualTo(ConfLoader.parse(yaml, "a.yml"));
    }

    @Test
    void absentOrEmptyPathsAllowEveryPath() throws Exception {
        assertThat(ConfLoader.parse("paths: {}", "a.yml").pathFor("anything").name()).isEqualTo("all_others");
        assertThat(ConfLoader.parse("paths:", "a.yml").pathFor("x/y").name()).isEqualTo("all_others");
        assertThat(ConfLoader.parse("paths:\n  cam1:\n", "a.yml").pathFor("other")).isNull();
    }

    @Test
    void pathForPrefersExactThenRegexInFileOrderThenAllOthers() throws Exception {
        Conf conf = ConfLoader.parse("""
                paths:
                  all:
                    readUser: fallback
                  "~^cam[0-9]+$":
                    readUser: firstRegex
                  ~^cam:
                    readUser: secondRegex
                  cam1:
                    readUser: exact
                """, "p.yml");
        assertThat(conf.pathFor("cam1").readUser()).isEqualTo("exact");
        assertThat(conf.pathFor("cam2").readUser()).isEqualTo("firstRegex");
        assertThat(conf.pathFor("camera").readUser()).isEqualTo("secondRegex");
        assertThat(conf.pathFor("other").readUser()).isEqualTo("fallback");
        assertThat(conf.pathFor("cam2").isRegex()).isTrue();
        assertThat(conf.pathFor("cam2").matches("xcam2")).isFalse();
        assertThat(conf.pathFor("cam1").matches("cam10")).isFalse();
    }

    private static String embeddedText() throws IOException {
        try (InputStream in = ConfLoader.class.getResourceAsStream("/sluice.yml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void qualityConditionsAreReadWithTheirHold() throws Exception {
        Conf c = ConfLoader.parse("""
                paths:
                  p:
                    forwardTargets:
                      - url: rtmp://h/live/a
                        when: {minBitrateKbps: 800, maxBitrateKbps: 6000, minWidth: 1280, minHeight: 720, minFps: 29.97}
                      - url: rtmp://h/live/b
                        when: {minBitrateKbps: 800, hold: 500ms}
                      - url: rtmp://h/live/c
                        when: {minReaders: 1}
                """, "q.yml");
        List<ForwardDest> t = c.pathFor("p").forwardTargets();
        assertThat(t.get(0).when()).isEqualTo(new ForwardCondition(0, null, null, List.of(), 800, 6000, 1280, 720,
                29.97, java.time.Duration.ofSeconds(5)));
        assertThat(t.get(0).when().toString())
                .isEqualTo("minBitrateKbps 800, maxBitrateKbps 6000, minWidth 1280, minHeight 720, minFps 29.97, hold 5s");
        assertThat(t.get(1).when().hold()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(t.get(2).when().hold()).isZero(); // no quality condition: no default hold
        ForwardCondition q = t.get(0).when();
        assertThat(q.unmetQuality(-1, 0, 0, 0)).isEqualTo("measuring bitrate");
        assertThat(q.unmetQuality(799.6, 1280, 720, 30)).isEqualTo("bitrate 799 kbit/s < 800");
        assertThat(q.unmetQuality(7000, 1280, 720, 30)).isEqualTo("bitrate 7000 kbit/s > 6000");
        assertThat(q.unmetQuality(2000, 0, 0, 30)).isEqualTo("picture size not known yet (no SPS)");
        assertThat(q.unmetQuality(2000, 1280, 704, 30)).isEqualTo("height 704 < 720");
        assertThat(q.unmetQuality(2000, 1280, 720, 25)).isEqualTo("frame rate 25.0 < 29.97");
        assertThat(q.unmetQuality(2000, 1920, 1080, 30)).isEmpty();
    }

    @Test
    void badQualityConditionsNameTheKeyAndTheValue() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfLoader.parse("""
                paths:
                  p:
                    forwardTargets:
                      - url: rtmp://h/live/a
                        when: {minBitrateKbps: -5, minHeight: 99999, minFps: fast, hold: -1, minWidth: 1.5}
                      - url: rtmp://h/live/b
                        when: {minBitrateKbps: 3000, maxBitrateKbps: 1000}
                      - url: rtmp://h/live/c
                        when: {hold: 2h}
                """, "q.yml")).isInstanceOfSatisfying(ConfException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith(
                                "q.yml: paths.p.forwardTargets[0].when.minBitrateKbps: minBitrateKbps -5 is out of range"))
                        .anySatisfy(p -> assertThat(p).startsWith(
                                "q.yml: paths.p.forwardTargets[0].when.minHeight: minHeight 99999 is out of range"))
                        .anySatisfy(p -> assertThat(p).startsWith(
                                "q.yml: paths.p.forwardTargets[0].when.minFps: wrong type: expected a number, got string 'fast'"))
                        .anySatisfy(p -> assertThat(p).startsWith("q.yml: paths.p.forwardTargets[0].when.hold:"))
                        .anySatisfy(p -> assertThat(p).startsWith(
                                "q.yml: paths.p.forwardTargets[0].when.minWidth: wrong type: expected an integer"))
                        .anySatisfy(p -> assertThat(p).contains("minBitrateKbps 3000 > maxBitrateKbps 1000"))
                        .anySatisfy(p -> assertThat(p).startsWith(
                                "q.yml: paths.p.forwardTargets[2].when.hold: hold 2h is too long")));
    }

    @Test
    void whenAndGroupAreReadAndCheckedFieldByField() throws Exception {
        ForwardDest d = ConfLoader.parse("""
                paths:
                  p:
                    forwardTargets:
                      - url: rtmp://a.example/live/k
                        group: yt
                        when: {minReaders: 2, between: "22:00-06:00", codec: [h264, AAC]}
                """, "w.yml").pathFor("p").forwardTargets().getFirst();
        assertThat(d.group()).isEqualTo("yt");
        assertThat(d.when()).isEqualTo(new ForwardCondition(2, java.time.LocalTime.of(22, 0),
                java.time.LocalTime.of(6, 0), List.of("H264", "MPEG4_AUDIO")));
        assertThat(d.when().unmet(2, java.time.LocalTime.of(23, 0), java.util.Set.of("H264"))).isEmpty();
        assertThat(d.when().unmet(2, java.time.LocalTime.of(12, 0), java.util.Set.of("H264"))).startsWith("outside");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfLoader.parse("""
                paths:
                  p:
                    forwardTargets:
                      - url: rtmp://a.example/live/k
                        group: "bad group"
                        when: {minReaders: x, between: "25:00-3", codec: mp3, sometimes: yes}
                """, "w.yml")).isInstanceOfSatisfying(ConfException.class, e -> assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("w.yml: paths.p.forwardTargets[0].group: invalid group"))
                .anySatisfy(p -> assertThat(p).startsWith("w.yml: paths.p.forwardTargets[0].when.minReaders:"))
                .anySatisfy(p -> assertThat(p).startsWith("w.yml: paths.p.forwardTargets[0].when.between: invalid window"))
                .anySatisfy(p -> assertThat(p).startsWith("w.yml: paths.p.forwardTargets[0].when.codec: unknown codec 'mp3'"))
                .anySatisfy(p -> assertThat(p).startsWith("w.yml: paths.p.forwardTargets[0].when.sometimes: unknown key")));
    }
}
