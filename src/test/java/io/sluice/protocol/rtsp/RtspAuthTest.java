package io.sluice.protocol.rtsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RtspAuthTest {
    private static final String URI = "rtsp://127.0.0.1:8554/live/x";
    private static final String NONCE = "dcd98b7102dd2f0e8b11d0f600bfb0c0";

    private static RtspRequest describe(String authorization) {
        return new RtspRequest("DESCRIBE", URI, new RtspHeaders().cseq(3).set("Authorization", authorization));
    }

    @Test
    void presentedCredentialsAndBasicOnlyChallenges() {
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("bob:pa:ss".getBytes());
        assertThat(RtspAuth.presented(describe(basic))).isEqualTo(new RtspAuth.Presented(false, "bob", "pa:ss"));
        String digest = RtspAuth.authorization(RtspAuth.challenges("Sluice", NONCE), "admin", "secret", "DESCRIBE", URI);
        assertThat(RtspAuth.presented(describe(digest))).isEqualTo(new RtspAuth.Presented(true, "admin", null));
        assertThat(RtspAuth.presented(describe("Basic !!!"))).isNull();
        assertThat(RtspAuth.presented(describe("Bearer x"))).isNull();
        assertThat(RtspAuth.presented(new RtspRequest("DESCRIBE", URI, new RtspHeaders().cseq(1)))).isNull();
        assertThat(RtspAuth.presented(describe(basic)).toString()).doesNotContain("pa:ss");

        assertThat(RtspAuth.challenges("Sluice", NONCE, true)).hasSize(2);
        assertThat(RtspAuth.challenges("Sluice", NONCE, false)).containsExactly("Basic realm=\"Sluice\"");
        // a client offered Basic alone answers Basic
        assertThat(RtspAuth.authorization(RtspAuth.challenges("Sluice", NONCE, false), "u", "p", "DESCRIBE", URI))
                .startsWith("Basic ");
    }

    @Test
    void digestKnownAnswer() {
        // python3: md5(md5("admin:Sluice:secret"):nonce:md5("DESCRIBE:" + URI))
        String auth = RtspAuth.authorization(RtspAuth.challenges("Sluice", NONCE), "admin", "secret", "DESCRIBE", URI);
        assertThat(auth).isEqualTo("Digest username=\"admin\", realm=\"Sluice\", nonce=\"" + NONCE + "\", uri=\""
                + URI + "\", response=\"f150f1a98308d2d00f569323095117b5\"");
        assertThat(RtspAuth.verify(describe(auth), "admin", "secret", NONCE)).isTrue();
    }

    @Test
    void digestWithQopKnownAnswerFromRfc2617() {
        // RFC 2617 §3.5 example; expected response also recomputed with python3 hashlib
        List<String> challenge = List.of("Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
        String auth = RtspAuth.authorization(challenge, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b");
        assertThat(auth).contains("response=\"6629fae49393a05397450978507c4ef1\"")
                .contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"")
                .contains("qop=auth, nc=00000001, cnonce=\"0a4f113b\"");
        RtspRequest req = new RtspRequest("GET", "/dir/index.html", new RtspHeaders().set("Authorization", auth));
        assertThat(RtspAuth.verify(req, "Mufasa", "Circle Of Life", "dcd98b7102dd2f0e8b11d0f600bfb0c093")).isTrue();
        assertThat(RtspAuth.verify(req, "Mufasa", "circle of life", "dcd98b7102dd2f0e8b11d0f600bfb0c093")).isFalse();
    }

    @Test
    void clientServerRoundTrip() {
        String nonce = RtspAuth.newNonce();
        RtspHeaders challenge = RtspAuth.addChallenges(new RtspHeaders(), "Sluice", nonce);
        String auth = RtspAuth.authorization(challenge.getAll("WWW-Authenticate"), "us\"er", "p@ss:w", "SETUP", URI + "/trackID=0");
        RtspRequest req = new RtspRequest("SETUP", URI + "/trackID=0", new RtspHeaders().set("Authorization", auth));
        assertThat(RtspAuth.verify(req, "us\"er", "p@ss:w", nonce)).isTrue();
        assertThat(RtspAuth.verify(req, "us\"er", "wrong", nonce)).isFalse();
        assertThat(RtspAuth.verify(req, "other", "p@ss:w", nonce)).isFalse();
        assertThat(RtspAuth.verify(req, "us\"er", "p@ss:w", RtspAuth.newNonce())).isFalse();
        // the method is part of HA2: replaying the header on another method fails
        RtspRequest replay = new RtspRequest("TEARDOWN", URI, new RtspHeaders().set("Authorization", auth));
        assertThat(RtspAuth.verify(replay, "us\"er", "p@ss:w", nonce)).isFalse();
    }

    @Test
    void basic() {
        String auth = RtspAuth.authorization(List.of("Basic realm=\"cam\""), "admin", "secret", "DESCRIBE", URI);
        assertThat(auth).isEqualTo("Basic YWRtaW46c2VjcmV0");
        assertThat(RtspAuth.verify(describe(auth), "admin", "secret", NONCE)).isTrue();
        assertThat(RtspAuth.verify(describe(auth), "admin", "nope", NONCE)).isFalse();
        assertThat(RtspAuth.verify(describe("Basic !!!notbase64"), "admin", "secret", NONCE)).isFalse();
        assertThat(RtspAuth.verify(new RtspRequest("DESCRIBE", URI, new RtspHeaders()), "a", "b", NONCE)).isFalse();
    }

    @Test
    void clientPrefersDigestAndEchoesAlgorithm() {
        String auth = RtspAuth.authorization(List.of("Basic realm=\"cam\"",
                "Digest realm=\"cam\", nonce=\"n1\", algorithm=MD5, stale=FALSE"), "u", "p", "OPTIONS", URI);
        assertThat(auth).startsWith("Digest username=\"u\", realm=\"cam\", nonce=\"n1\"").endsWith(", algorithm=MD5");
        String sha = RtspAuth.authorization(List.of("Digest realm=\"cam\", nonce=\"n1\"",
                "Digest realm=\"cam\", nonce=\"n2\", algorithm=SHA-256"), "u", "p", "OPTIONS", URI);
        assertThat(sha).contains("nonce=\"n2\"").endsWith("algorithm=SHA-256");
    }

    @Test
    void clientRejectsUnsupportedSchemes() {
        assertThatThrownBy(() -> RtspAuth.authorization(List.of("Negotiate abc"), "u", "p", "OPTIONS", URI))
                .isInstanceOf(RtspProtocolException.class).hasMessageContaining("Negotiate abc");
        assertThatThrownBy(() -> RtspAuth.authorization(List.of("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\""),
                "u", "p", "OPTIONS", URI)).isInstanceOf(RtspProtocolException.class).hasMessageContaining("auth-int");
    }

    @Test
    void parsesQuotedParams() {
        assertThat(RtspAuth.params("realm=\"a, \\\"b\\\"\", nonce=xyz ,opaque=\"\""))
                .containsEntry("realm", "a, \"b\"").containsEntry("nonce", "xyz").containsEntry("opaque", "");
    }
}
