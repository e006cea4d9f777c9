package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MediamtxForwardTest reads mediamtx's forward syntax: $MTX_PATH and $G1... in dest, rtmp's #streamKey,
 * destFingerprint and whipBearerToken, with the secrets among them masked.
 */
class MediamtxForwardTest {

    private static final String FP = "ab".repeat(32);

    @Test
    void mtxPathAndRegexGroupsAreExpandedPerStreamPath() throws Exception {
        Conf c = ConfLoader.parse("""
                paths:
                  "~^(cam)([0-9]+)$":
                    forward:
                      - dest: rtmp://ingest.example.com/live/$MTX_PATH
                      - dest: rtsp://$G1-$G2.example.com:8554/in/$G2?from=$MTX_PATH
                      - dest: srt://relay.example.com:9000?streamid=publish:$G1/$G2
                  all_others:
                    forward:
                      - dest: rtmp://ingest.example.com/all/$MTX_PATH/$G1
                """, "f.yml");
        PathConf cams = c.pathFor("cam12");
        List<ForwardDest> t = cams.forwardTargetsFor("cam12");
        assertThat(t.get(0).url()).isInstanceOfSatisfying(DestUrl.Rtmp.class, r -> {
            assertThat(r.app()).isEqualTo("live");
            assertThat(r.streamKey()).isEqualTo("cam12");
        });
        assertThat(t.get(1).url()).isInstanceOfSatisfying(DestUrl.Rtsp.class, r -> {
            assertThat(r.host()).isEqualTo("cam-12.example.com");
            assertThat(r.pathAndQuery()).isEqualTo("/in/12?from=cam12");
        });
        assertThat(t.get(2).url()).isInstanceOfSatisfying(DestUrl.Srt.class,
                s -> assertThat(s.query()).containsEntry("streamid", "publish:cam/12"));
        assertThat(t).extracting(ForwardDest::id).as("ids are the entry's, whatever the path")
                .isEqualTo(cams.forwardTargets().stream().map(ForwardDest::id).toList());
        // a group the entry does not have stays as written
        assertThat(((DestUrl.Rtmp) c.pathFor("other").forwardTargetsFor("other").getFirst().url()).streamKey())
                .isEqualTo("other/$G1");
    }

    @Test
    void rtmpFragmentIsTheStreamKeyAndIsMasked() throws Exception {
        Conf c = ConfLoader.parse("""
                paths:
                  cam:
                    forward:
                      - dest: rtmps://live.example.com/app/inst#s3cr3t-key
                """, "f.yml");
        ForwardDest d = c.pathEntry("cam").forwardTargets().getFirst();
        DestUrl.Rtmp r = (DestUrl.Rtmp) d.url();
        assertThat(r.app()).isEqualTo("app/inst");
        assertThat(r.streamKey()).isEqualTo("s3cr3t-key");
        assertThat(r.port()).isEqualTo(443);
        assertThat(d.redactedUrl()).isEqualTo("rtmps://live.example.com/app/inst#***").doesNotContain("s3cr3t");
        assertThat(d.toString()).doesNotContain("s3cr3t");
    }

    @Test
    void destFingerprintPinsTheTlsTargetsCertificate() throws Exception {
        Conf c = ConfLoader.parse("""
                paths:
                  cam:
                    forward:
                      - dest: rtsps://a.example.com/cam
                        destFingerprint: %s
                      - dest: rtmps://b.example.com/app/key
                        destFingerprint: %s
                      - dest: whips://c.example.com/whip
                        destFingerprint: %s
                        whipBearerToken: tok3n
                """.formatted(FP, FP.toUpperCase(), FP), "f.yml");
        List<ForwardDest> t = c.pathEntry("cam").forwardTargets();
        assertThat(t.get(0).rtspConfig().fingerprint()).isEqualTo(FP);
        assertThat(t.get(1).rtmpConfig().fingerprint()).isEqualTo(FP);
        assertThat(t.get(2).webrtcConfig().fingerprint()).isEqualTo(FP);
        assertThat(t.get(2).password()).isEqualTo("tok3n");
        assertThat(t.get(2).toString()).doesNotContain("tok3n");
    }

    @Test
    void tokenOrFingerprintForTheWrongKindOfUrlIsAnError() {
        ConfException e = catchThrowableOfType(ConfException.class, () -> ConfLoader.parse("""
                paths:
                  cam:
                    forward:
                      - dest: rtmp://plain.example.com/app/key
                        destFingerprint: %s
                      - dest: rtsp://plain.example.com/x
                        whipBearerToken: t
                """.formatted(FP), "f.yml"));
        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems().get(0)).startsWith("f.yml: paths.cam.forward[0].destFingerprint: a certificate"
                + " fingerprint for a URL without TLS");
        assertThat(e.problems().get(1)).startsWith("f.yml: paths.cam.forward[1].whipBearerToken: a WHIP token");
    }

    @Test
    void theTokenIsMaskedInTheDocumentsViews() throws Exception {
        ConfDocument doc = ConfDocument.parse("""
                paths:
                  cam:
                    forward:
                      - dest: whip://c.example.com/whip
                        whipBearerToken: tok3n
                """, "f.yml");
        assertThat(doc.yaml(true)).doesNotContain("tok3n");
    }
}
