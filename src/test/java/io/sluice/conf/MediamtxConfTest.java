package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MediamtxConfTest loads mediamtx's own configuration files as `./sluice FILE` does (ConfDocument.load's
 * parse): the stock mediamtx.yml starts with no error and no warning, a mediamtx key Sluice does not implement
 * warns only when it differs from mediamtx's default, and the keys Sluice implements read as mediamtx means them.
 */
class MediamtxConfTest {

    static final String STOCK = "mediamtx/mediamtx-003b535.yml";

    static String fixture(String name) throws IOException {
        try (InputStream in = MediamtxConfTest.class.getResourceAsStream("/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void stockFileLoadsWithoutErrorOrWarning() throws Exception {
        ConfDocument doc = ConfDocument.parse(fixture(STOCK), "mediamtx.yml");
        assertThat(doc.warnings()).isEmpty();
        Conf c = doc.conf();
        // what the stock file says about the servers Sluice has
        assertThat(c.api().enabled()).isFalse();
        assertThat(c.metrics().enabled()).isFalse();
        assertThat(c.rtsp().enabled()).isTrue();
        assertThat(c.rtmp().enabled()).isTrue();
        assertThat(c.srt().enabled()).isTrue();
        assertThat(c.webrtc().enabled()).isTrue();
        assertThat(c.rtsp().transports()).containsExactlyInAnyOrder(RtspTransport.UDP, RtspTransport.TCP);
        assertThat(c.paths()).extracting(PathConf::name).containsExactly("all_others");
    }

    @Test
    void documentedSourceExampleLoadsIntoThePathsSource() throws Exception {
        ConfDocument doc = ConfDocument.parse(fixture("mediamtx/example-source-rtsp.yml"), "s.yml");
        assertThat(doc.warnings()).isEmpty();
        SourceConf s = doc.conf().pathFor("proxied").source();
        assertThat(s.pulls()).isTrue();
        assertThat(s.onDemand()).isTrue();
        assertThat(s.rtspTransport()).isEqualTo(RtspTransport.TCP);
        assertThat(s.url()).isInstanceOfSatisfying(SourceUrl.Remote.class, r -> assertThat(r.url())
                .isEqualTo(DestUrl.parse("rtsp://admin:camerapass@192.168.1.20:554/stream1")));
        assertThat(s.redactedUrl()).doesNotContain("camerapass");
    }

    @Test
    void documentedRegexExampleMatchesAsMediamtxSays() throws Exception {
        Conf c = ConfDocument.parse(fixture("mediamtx/example-regex-paths.yml"), "r.yml").conf();
        assertThat(c.pathFor("test1").readUser()).isEqualTo("viewer");
        assertThat(c.pathFor("test2").maxReaders()).isEqualTo(10);
        assertThat(c.pathFor("test3").name()).isEqualTo("all_others");
        assertThat(c.pathFor("prefix-anything").maxReaders()).isEqualTo(2);
    }

    @Test
    void documentedForwardExampleLoads() throws Exception {
        ConfDocument doc = ConfDocument.parse(fixture("mediamtx/example-forward.yml"), "f.yml");
        assertThat(doc.warnings()).isEmpty();
        List<ForwardDest> t = doc.conf().pathFor("cam3").forwardTargetsFor("cam3");
        assertThat(t).extracting(ForwardDest::redactedUrl).containsExactly("rtmp://live.example.com/app#***",
                "rtsps://backup.example.com:8322/cams/3", "whips://whip.example.com/cam3/whip",
                "srt://relay.example.com:9000?streamid=publish:cam3");
        assertThat(doc.yaml(true)).doesNotContain("secrettoken");
    }

    @Test
    void olderStockFileLoadsWithoutErrorOrWarningToo() throws Exception {
        ConfDocument doc = ConfDocument.parse(fixture("mediamtx/mediamtx-0b63561.yml"), "old.yml");
        assertThat(doc.warnings()).isEmpty();
        assertThat(doc.conf().api().enabled()).isFalse();
        assertThat(ConfDocument.parse("udpMaxPayloadSize: 1400\n", "m.yml").warnings()).singleElement().asString()
                .startsWith("m.yml: udpMaxPayloadSize: 1400 — ");
    }

    @Test
    void aValueOtherThanMediamtxsDefaultWarnsOncePerKeyNamingWhatSluiceDoesInstead() throws Exception {
        String yaml = fixture(STOCK).replace("hls: true", "hls: no").replace("hlsVariant: lowLatency", "hlsVariant: mpegts")
                .replace("pprof: false", "pprof: yes").replace("  record: false", "  record: yes")
                + "  cam:\n    source: rtsp://admin:secret@camera.local/stream\n    rpiCameraWidth: 1280\n"
                + "    rtspRangeType: clock\n";
        ConfDocument doc = ConfDocument.parse(yaml, "m.yml");
        assertThat(doc.warnings()).containsExactly(
                "m.yml: pprof: yes — Sluice has no pprof server; profile the JVM with JDK Flight Recorder"
                        + " (jcmd PID JFR.start)",
                "m.yml: hls: no — Sluice has no HLS server; read the stream over RTSP, RTMP, SRT or WHEP",
                "m.yml: hlsVariant: mpegts — Sluice has no HLS server; read the stream over RTSP, RTMP, SRT or WHEP",
                "m.yml: pathDefaults.record: yes — Sluice does not record; record a reader instead"
                        + " (ffmpeg -i rtsp://HOST:8554/PATH -c copy)",
                "m.yml: paths.cam.rtspRangeType: clock — Sluice's RTSP source plays from the live edge (it sends"
                        + " no Range header)",
                "m.yml: paths.cam.rpiCameraWidth: 1280 — Sluice has no Raspberry Pi camera source; publish it with"
                        + " rpicam-vid piped to ffmpeg");
    }

    @Test
    void equalSpellingsOfTheDefaultDoNotWarn() throws Exception {
        ConfDocument doc = ConfDocument.parse("""
                hls: yes
                hlsDirectory:
                authJWTExclude:
                rtspAuthMethods: [basic]
                pathDefaults:
                  overridePublisher: yes
                  rpiCameraLensPosition: 0
                  sourceOnDemand: no
                """, "m.yml");
        assertThat(doc.warnings()).isEmpty();
    }

    @Test
    void multicastWarnsOutsideMediamtxsDefaultList() throws Exception {
        assertThat(ConfDocument.parse("rtspTransports: [udp, multicast, tcp]\n", "m.yml").warnings()).isEmpty();
        assertThat(ConfDocument.parse("rtspTransports: [multicast, tcp]\n", "m.yml").warnings()).containsExactly(
                "m.yml: rtspTransports: [multicast, tcp] — Sluice serves RTSP over unicast UDP and TCP only:"
                        + " multicast is not served");
    }

    @Test
    void syslogWarns() throws Exception {
        ConfDocument doc = ConfDocument.parse("logDestinations: [stdout, syslog]\n", "m.yml");
        assertThat(doc.warnings()).singleElement().asString().startsWith("m.yml: logDestinations: syslog — ");
        assertThat(doc.conf().log().toStdout()).isTrue();
        assertThat(doc.conf().log().toFile()).isFalse();
    }

    @Test
    void aSourcesTokenIsMaskedInItsText() throws Exception {
        Conf c = ConfLoader.parse("paths:\n  cam:\n    source: wheps://h.example/cam/whep\n"
                + "    whepBearerToken: s3cret\n", "m.yml");
        assertThat(c.pathFor("cam").source().whepBearerToken()).isEqualTo("s3cret");
        assertThat(c.pathFor("cam").toString()).doesNotContain("s3cret");
    }

    @Test
    void mediamtxSecretsAreMaskedInTheDocumentsViews() throws Exception {
        ConfDocument doc = ConfDocument.parse(fixture("mediamtx/example-source-rtsp.yml")
                + "    whepBearerToken: wh3p\n", "s.yml");
        assertThat(doc.yaml(true)).doesNotContain("camerapass").doesNotContain("wh3p");
    }

    @Test
    void togglesSwitchServersOff() throws Exception {
        Conf c = ConfLoader.parse("rtsp: no\nrtmp: false\nsrt: no\nwebrtc: no\napi: no\nmetrics: no\n", "t.yml");
        assertThat(c.rtsp().enabled() || c.rtmp().enabled() || c.srt().enabled() || c.webrtc().enabled()
                || c.api().enabled() || c.metrics().enabled()).isFalse();
        Conf d = ConfLoader.parse("", "empty.yml");
        assertThat(d.api().enabled() && d.metrics().enabled() && d.rtsp().enabled()).as("Sluice's defaults").isTrue();
    }

    @Test
    void pathDefaultsApplyToEveryEntryAndEntriesOverrideThem() throws Exception {
        Conf c = ConfLoader.parse("""
                pathDefaults:
                  maxReaders: 5
                  readUser: viewer
                  readPass: pw
                paths:
                  cam1:
                    maxReaders: 2
                  "~^cam[0-9]+$": {}
                  all_others:
                """, "d.yml");
        assertThat(c.pathEntry("cam1").maxReaders()).isEqualTo(2);
        assertThat(c.pathEntry("cam1").readUser()).isEqualTo("viewer");
        assertThat(c.pathFor("cam7").maxReaders()).isEqualTo(5);
        assertThat(c.pathFor("other").readPass()).isEqualTo("pw");
    }

    @Test
    void pathDefaultsWithNoPathsMakeTheCatchAll() throws Exception {
        Conf c = ConfLoader.parse("pathDefaults:\n  maxReaders: 3\n", "d.yml");
        assertThat(c.pathFor("anything").maxReaders()).isEqualTo(3);
    }

    @Test
    void aProblemInPathDefaultsIsReportedThereOnce() {
        ConfException e = catchThrowableOfType(ConfException.class, () -> ConfLoader.parse("""
                pathDefaults:
                  maxReaders: lots
                paths:
                  a:
                  b:
                """, "d.yml"));
        assertThat(e.problems()).singleElement().asString().startsWith("d.yml: pathDefaults.maxReaders: wrong type");
    }

    @Test
    void unknownKeysListTheAcceptedKeysOncePerSection() {
        ConfException e = catchThrowableOfType(ConfException.class, () -> ConfLoader.parse("""
                rtspAdress: :1
                rtmpAdress: :2
                paths:
                  cam:
                    readUsr: a
                    readPas: b
                """, "u.yml"));
        assertThat(e.problems()).hasSize(4);
        assertThat(e.problems().get(0)).startsWith("u.yml: rtspAdress: unknown key; accepted: logLevel, logDestinations, logFile, rtsp,");
        assertThat(e.problems().get(1)).isEqualTo("u.yml: rtmpAdress: unknown key; accepted: as listed for rtspAdress");
        assertThat(e.problems().get(2)).startsWith("u.yml: paths.cam.readUsr: unknown key; accepted: publishUser,");
        assertThat(e.problems().get(3))
                .isEqualTo("u.yml: paths.cam.readPas: unknown key; accepted: as listed for paths.cam.readUsr");
    }
}
