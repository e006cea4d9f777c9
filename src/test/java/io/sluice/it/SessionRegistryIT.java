package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.SessionInfo;
import io.sluice.path.SessionRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every protocol server enters its publishers and readers in the session registry (issue #7): with
 * third-party peers on each protocol, a session shows with its protocol, role, path, address, user and
 * a growing byte count while it runs, kick() ends it (the peer sees the disconnect before its own
 * deadline), and it leaves the registry when it ends.
 *
 * <p>Publishers must authenticate as alice (authInternalUsers), readers get in as anyone, so the
 * registry shows "alice" for publishers and "" for readers.
 */
@Timeout(180)
class SessionRegistryIT {
    /** Peers run far longer than the test waits: ending early means the kick reached them. */
    static final int PEER_SECONDS = 60;
    static final Duration KICK_SEEN = Duration.ofSeconds(25);
    static final String YAML = """
            authInternalUsers:
              - user: any
                permissions: [{action: read}]
              - user: alice
                pass: alicepw
                permissions: [{action: publish}]
              - user: any
                permissions: [{action: publish, path: reg/udp}]
            """;

    @Test
    void rtsp() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start(YAML);
                Peer pub = FfmpegPeer.publishH264(sluice.rtsp("reg/rtsp").replace("rtsp://", "rtsp://alice:alicepw@"),
                        PEER_SECONDS, false)) {
            SessionInfo p = awaitSession(sluice, "rtsp", "publish", "reg/rtsp", "alice", pub);
            try (Peer reader = FfmpegPeer.read(sluice.rtsp("reg/rtsp"), PEER_SECONDS)) {
                SessionInfo r = awaitSession(sluice, "rtsp", "read", "reg/rtsp", "", reader);
                kickAndAwaitExit(sluice, r, reader);
                assertThat(Integer.parseInt(reader.result("READ").get("frames"))).as(reader.output()).isPositive();
            }
            kickAndAwaitExit(sluice, p, pub);
            assertThat(pub.result("PUBLISHED").get("rc")).as(pub.output()).isNotEqualTo("0");
            assertGone(sluice, "reg/rtsp");
        }
    }

    /** RTP over UDP: the bytes are counted by the server's UDP sockets, the kick closes the control connection. */
    @Test
    void rtspOverUdp() throws Exception {
        Map<String, String> udp = Map.of("TRANSPORT", "udp");
        try (SluiceUnderTest sluice = SluiceUnderTest.start(YAML);
                Peer pub = Peer.start("publish-rtsp.sh", udp, sluice.rtsp("reg/udp"), Integer.toString(PEER_SECONDS))) {
            SessionInfo p = awaitSession(sluice, "rtsp", "publish", "reg/udp", "", pub);
            try (Peer reader = Peer.start("read-rtsp.sh", udp, sluice.rtsp("reg/udp"), Integer.toString(PEER_SECONDS))) {
                SessionInfo r = awaitSession(sluice, "rtsp", "read", "reg/udp", "", reader);
                kickAndAwaitExit(sluice, r, reader);
            }
            kickAndAwaitExit(sluice, p, pub);
            assertGone(sluice, "reg/udp");
        }
    }

    @Test
    void rtmp() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start(YAML);
                Peer pub = FfmpegPeer.publishRtmp(sluice.rtmp("reg/rtmp") + "?user=alice&pass=alicepw", PEER_SECONDS)) {
            SessionInfo p = awaitSession(sluice, "rtmp", "publish", "reg/rtmp", "alice", pub);
            try (Peer reader = FfmpegPeer.readRtmp(sluice.rtmp("reg/rtmp"), PEER_SECONDS)) {
                SessionInfo r = awaitSession(sluice, "rtmp", "read", "reg/rtmp", "", reader);
                kickAndAwaitExit(sluice, r, reader);
                assertThat(Integer.parseInt(reader.result("READ").get("frames"))).as(reader.output()).isPositive();
            }
            kickAndAwaitExit(sluice, p, pub);
            assertThat(pub.result("PUBLISHED").get("rc")).as(pub.output()).isNotEqualTo("0");
            assertGone(sluice, "reg/rtmp");
        }
    }

    @Test
    void rtmps(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "1",
                "-subj", "/CN=localhost").redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertThat(openssl.waitFor()).isZero();
        String yaml = "rtmpEncryption: strict\nrtmpServerCert: " + cert + "\nrtmpServerKey: " + key + "\n" + YAML;
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer pub = FfmpegPeer.publishRtmp(sluice.rtmps("reg/rtmps") + "?user=alice&pass=alicepw",
                        PEER_SECONDS)) {
            SessionInfo p = awaitSession(sluice, "rtmps", "publish", "reg/rtmps", "alice", pub);
            try (Peer reader = FfmpegPeer.readRtmp(sluice.rtmps("reg/rtmps"), PEER_SECONDS)) {
                SessionInfo r = awaitSession(sluice, "rtmps", "read", "reg/rtmps", "", reader);
                kickAndAwaitExit(sluice, r, reader);
            }
            kickAndAwaitExit(sluice, p, pub);
            assertGone(sluice, "reg/rtmps");
        }
    }

    @Test
    void srt() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start(YAML);
                Peer pub = Peer.start("publish-srt.sh", sluice.srt(), "publish:reg/srt:alice:alicepw",
                        Integer.toString(PEER_SECONDS))) {
            SessionInfo p = awaitSession(sluice, "srt", "publish", "reg/srt", "alice", pub);
            try (Peer reader = Peer.start("read-srt.sh", sluice.srt(), "read:reg/srt", Integer.toString(PEER_SECONDS))) {
                SessionInfo r = awaitSession(sluice, "srt", "read", "reg/srt", "", reader);
                kickAndAwaitExit(sluice, r, reader);
                assertThat(Integer.parseInt(reader.result("READ").get("frames"))).as(reader.output()).isPositive();
            }
            kickAndAwaitExit(sluice, p, pub);
            assertThat(pub.result("PUBLISHED").get("rc")).as(pub.output()).isNotEqualTo("0");
            assertGone(sluice, "reg/srt");
        }
    }

    @Test
    void webrtc() throws Exception {
        // Chromium on both ends: it reports its connection state as it changes (webrtcbin notices a
        // peer that went away only at its next keepalive), and stops by itself only at its deadline.
        int seconds = 40;
        try (SluiceUnderTest sluice = SluiceUnderTest.start(YAML);
                Peer pub = Peer.start("publish-whip-chromium.sh", Map.of("TOKEN", "alice:alicepw"),
                        sluice.whip("reg/webrtc"), Integer.toString(seconds))) {
            SessionInfo p = awaitSession(sluice, "webrtc", "publish", "reg/webrtc", "alice", pub);
            try (Peer reader = Peer.start("read-whep.sh", sluice.whep("reg/webrtc"), Integer.toString(seconds))) {
                SessionInfo r = awaitSession(sluice, "webrtc", "read", "reg/webrtc", "", reader);
                assertThat(sessions(sluice).kick(r.id())).isTrue();
                awaitLineMatching(reader, "WHEP\\|state .*\"(failed|closed|disconnected)\"");
                awaitGone(sluice, r);
            }
            assertThat(sessions(sluice).kick(p.id())).isTrue();
            awaitLineMatching(pub, "WHIP\\|state .*\"(failed|closed|disconnected)\"");
            awaitGone(sluice, p);
            assertGone(sluice, "reg/webrtc");
        }
    }

    static SessionRegistry sessions(SluiceUnderTest sluice) {
        return sluice.server().paths().sessions();
    }

    /** Waits for the peer's session, checks what the registry says of it and that its byte count grows. */
    static SessionInfo awaitSession(SluiceUnderTest sluice, String protocol, String role, String path, String user,
            Peer peer) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SessionInfo> s = find(sluice, protocol, role, path);
            if (s.isPresent() && s.get().bytes() > 0) {
                SessionInfo first = s.get();
                assertThat(first.remote()).matches(Pattern.compile("127\\.0\\.0\\.1:\\d+"));
                assertThat(first.user()).isEqualTo(user);
                assertThat(first.created()).isNotNull();
                if (role.equals("publish")) {
                    assertThat(sessions(sluice).publisher(path)).isNotNull().extracting(SessionInfo::id)
                            .isEqualTo(first.id());
                } else {
                    assertThat(sessions(sluice).readers(path)).isEqualTo(1);
                }
                Thread.sleep(1500);
                SessionInfo later = find(sluice, protocol, role, path).orElseThrow(
                        () -> new AssertionError(protocol + " " + role + " session left early: " + peer.output()));
                assertThat(later.id()).isEqualTo(first.id());
                assertThat(later.bytes()).as("bytes grow").isGreaterThan(first.bytes());
                return later;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + protocol + " " + role + " session on '" + path + "' in "
                + sessions(sluice).list() + "\n" + peer.output());
    }

    static Optional<SessionInfo> find(SluiceUnderTest sluice, String protocol, String role, String path) {
        List<SessionInfo> all = sessions(sluice).list();
        return all.stream().filter(s -> s.protocol().equals(protocol) && s.role().equals(role)
                && s.path().equals(path)).findFirst();
    }

    /** Kicks the session: the peer (running for a minute) must end well before its deadline. */
    static void kickAndAwaitExit(SluiceUnderTest sluice, SessionInfo s, Peer peer) throws InterruptedException {
        long t0 = System.nanoTime();
        assertThat(sessions(sluice).kick(s.id())).isTrue();
        peer.await(KICK_SEEN); // throws when the peer did not notice
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(KICK_SEEN);
        awaitGone(sluice, s);
    }

    static void awaitGone(SluiceUnderTest sluice, SessionInfo s) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sessions(sluice).list().stream().anyMatch(x -> x.id().equals(s.id()))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("session still registered after it ended: " + s);
            }
            Thread.sleep(50);
        }
        assertThat(sessions(sluice).kick(s.id())).as("an ended session cannot be kicked").isFalse();
    }

    static void assertGone(SluiceUnderTest sluice, String path) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!sessions(sluice).list().isEmpty() || sluice.server().paths().get(path) != null
                && sluice.server().paths().get(path).stream() != null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still registered or published: " + sessions(sluice).list());
            }
            Thread.sleep(50);
        }
        assertThat(sessions(sluice).publisher(path)).isNull();
        assertThat(sessions(sluice).readers(path)).isZero();
    }

    static void awaitLineMatching(Peer peer, String regex) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + KICK_SEEN.toNanos();
        while (System.nanoTime() < deadline) {
            if (peer.lines().stream().anyMatch(l -> p.matcher(l).find())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the peer did not see the disconnect (" + regex + "):\n" + peer.output());
    }
}
