package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * WebRTC through a real TURN server (Debian's coturn, {@link TurnServer}) on loopback with long-term
 * credentials: a Chromium WHIP publisher and a Chromium WHEP reader that may only use relayed candidates
 * ({@code iceTransportPolicy: 'relay'}), and WHIP forward targets whose ICE servers come from Sluice's
 * config or the remote's Link header, one of them relay-only ({@code webrtcConfig.iceTransportPolicy: relay}).
 * Each time frames arrive (counted by the peer) and coturn shows the allocation, and for the relay-only
 * peers the selected pair is relayed and the media bytes show in coturn's peer usage.
 *
 * <p>The shared Chromium scripts take no ICE servers, so the test runs a copy whose RTCPeerConnection gets
 * the TURN server and the relay-only policy: the page is the script's, only that one line differs.
 */
@Tag("solo") // measures what spare CPU allows (pom.xml: runs alone, after the parallel ITs)
@Timeout(300)
class TurnIT {
    static final int SECONDS = 12;
    /** Frames a relayed 12 s stream must show at least: 8 s at 25 fps (Chromium's canvas runs at ~30). */
    static final long MIN_FRAMES = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void chromiumPublishesThroughTurnOnly() throws Exception {
        try (TurnServer turn = TurnServer.start(Duration.ofSeconds(SECONDS + 120));
                SluiceUnderTest sluice = SluiceUnderTest.start("");
                Peer pub = relayOnly("publish-whip-chromium.sh", turn, Map.of("VCODEC", "h264"),
                        sluice.whip("live/turn"), Integer.toString(SECONDS))) {
            WebrtcIngestIT.awaitPublisher(sluice, "live/turn", pub);
            try (Peer reader = Peer.start("read-rtsp.sh", sluice.rtsp("live/turn"), Integer.toString(SECONDS - 4))) {
                reader.await(Duration.ofSeconds(SECONDS + 40));
                pub.await(Duration.ofSeconds(SECONDS + 60));
                Map<String, String> sent = pub.result("PUBLISHED");
                Map<String, String> read = reader.result("READ");
                System.out.printf("TURN whip ingest: Chromium %s; RTSP reader %s; coturn %s%n", sent, read,
                        usage(turn));
                assertThat(sent.get("state")).as(pub.output()).isEqualTo("connected");
                assertRelayed(turn, sent.get("pair"), pub.output());
                assertThat(Long.parseLong(sent.get("frames"))).as(pub.output()).isGreaterThan(MIN_FRAMES);
                // the reader ran 8 s of the publish: what it got came in through the relay
                // Chromium sets its own frame rate: the reader must get every frame of its 8 s at that rate
                double fps = Double.parseDouble(sent.get("frames")) / SECONDS;
                assertThat(Long.parseLong(read.get("frames"))).as(reader.output())
                        .isGreaterThanOrEqualTo(MediaChecks.lossless(8 * fps, fps));
            }
            assertTurnCarriedMedia(turn, 1, WebrtcChromiumIT.Sent.of(pub).bytes());
        }
    }

    @Test
    void chromiumReadsWhepThroughTurnOnly() throws Exception {
        try (TurnServer turn = TurnServer.start(Duration.ofSeconds(SECONDS + 120));
                SluiceUnderTest sluice = SluiceUnderTest.start("");
                Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/turn"), Integer.toString(SECONDS + 20))) {
            long received;
            Wait.until(() -> sluice.server().paths().get("live/turn") != null
                    && sluice.server().paths().get("live/turn").stream() != null, Duration.ofSeconds(20));
            try (Peer reader = relayOnly("read-whep.sh", turn, Map.of(), sluice.whep("live/turn"),
                    Integer.toString(SECONDS))) {
                reader.await(Duration.ofSeconds(SECONDS + 60));
                Map<String, String> read = reader.result("READ");
                System.out.printf("TURN whep reader: %s; coturn %s%n", read, usage(turn));
                assertThat(read.get("state")).as(reader.output()).isEqualTo("connected");
                assertRelayed(turn, read.get("pair"), reader.output());
                assertThat(read.get("video")).as(reader.output()).isEqualTo("h264");
                assertThat(Long.parseLong(read.get("frames"))).as(reader.output()).isGreaterThan(MIN_FRAMES);
                received = videoBytesReceived(reader);
            }
            assertTurnCarriedMedia(turn, 1, received);
        }
    }

    /**
     * The ICE servers of a WHIP target from {@code webrtcConfig.iceServers}: Sluice allocates on coturn
     * with the configured credentials (and so offers a relayed candidate). Both ends are on loopback and
     * the policy is "all", so ICE picks the direct pair: what is asserted is the allocation and the frames
     * at the target, and that TURN leaves no thread behind ({@link #whipTargetRelayOnlyDeliversThroughTurn}
     * proves relayed media).
     */
    @Test
    void whipTargetUsesConfiguredTurnServer() throws Exception {
        int whip = Ports.tcp();
        try (TurnServer turn = TurnServer.start(Duration.ofSeconds(SECONDS + 120))) {
            forwardWithTurn(turn, "whip://127.0.0.1:" + whip + "/remote/whip", "[\"" + turn.configUrl() + "\"]",
                    whip);
        }
    }

    /**
     * A WHIP target with {@code iceTransportPolicy: relay}: it offers only its coturn allocation and pairs
     * nothing else, so although Sluice and the webrtcbin sink are both on loopback, every packet goes
     * Sluice → coturn → sink. The selected pair is relayed (Sluice's log), coturn relayed at least the bytes
     * the target counted as sent, and the sink got every RTP packet the target sent and decoded every frame
     * the publisher sent while the target was forwarding.
     */
    @Test
    void whipTargetRelayOnlyDeliversThroughTurn() throws Exception {
        int whip = Ports.tcp();
        try (TurnServer turn = TurnServer.start(Duration.ofSeconds(SECONDS + 120));
                LogCapture log = new LogCapture();
                SluiceUnderTest sluice = SluiceUnderTest.start("""
                        paths:
                          live/relay:
                            forwardTargets:
                              - id: whip
                                url: whip://127.0.0.1:%d/remote/whip
                                webrtcConfig:
                                  iceServers: ["%s"]
                                  iceTransportPolicy: relay
                        """.formatted(whip, turn.configUrl()));
                Peer sink = Peer.start("sink-whip.sh", Integer.toString(whip), Integer.toString(SECONDS + 12))) {
            assertThat(Ports.awaitListening(whip, Duration.ofSeconds(15))).as(sink.output()).isTrue();
            java.time.Instant published = java.time.Instant.now();
            DestStats during;
            DestStats after;
            try (Peer pub = Peer.start("publish-rtsp.sh", Map.of("AUDIO", "opus"), sluice.rtsp("live/relay"),
                    Integer.toString(SECONDS))) {
                // the first state change after connecting (relay-only: allocation, then checks through coturn)
                during = awaitForwarding(sluice, "live/relay", Duration.ofSeconds(SECONDS - 4), log);
                // the API shows the pair: relayed, from one of coturn's relay ports
                JsonNode link = sluice.apiGet("/v3/forwardtargets/get/live/relay/whip").path("link");
                System.out.println("TURN relay-only whip target link in the API: " + link);
                assertThat(link.path("iceTransport").asString()).as(link.toString()).isEqualTo("relay");
                String local = link.path("localCandidate").asString();
                assertThat(turn.isRelayPort(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1))))
                        .as("local candidate %s is a coturn relay port", local).isTrue();
                pub.await(Duration.ofSeconds(SECONDS + 30));
                Thread.sleep(1000); // the last packets on their way through coturn
                after = sluice.server().paths().get("live/relay").forwardStats().getFirst();
            }
            sink.await(Duration.ofSeconds(60));
            Map<String, String> got = sink.result("RECEIVED");
            List<String> connected = log.messages(Level.INFO, "connected via");
            System.out.printf("TURN relay-only whip target: %s; sink %s; Sluice %s; coturn %s%n", after, got,
                    connected, usage(turn));
            assertThat(connected).as("the target's selected pair").singleElement().asString().endsWith(" relay");
            assertThat(after.reconnects()).as(after.toString()).isZero();
            assertThat(during.state()).as(during.toString()).isEqualTo(DestState.FORWARDING);
            // forwarding began at a keyframe (GOP 1 s) after the target connected; the publish ran SECONDS from
            // `published` (and ffmpeg's start-up comes on top: the window is if anything longer)
            double window = Duration.between(during.since(), published.plusSeconds(SECONDS)).toMillis() / 1000.0;
            assertThat(window).as("seconds the target forwarded: " + during).isGreaterThan(SECONDS - 6);
            assertThat(Long.parseLong(got.get("frames"))).as(sink.output())
                    .isGreaterThanOrEqualTo(MediaChecks.lossless((window - 1) * MediaChecks.FPS, MediaChecks.FPS));
            long rtp = Long.parseLong(got.get("video_rtp")) + Long.parseLong(got.get("audio_rtp"));
            assertThat(rtp).as("RTP packets out of the sink's jitter buffers vs %d sent", after.packets())
                    .isGreaterThanOrEqualTo((long) (after.packets() * MediaChecks.LOSSLESS_SHARE));
            // coturn logs the rest of a session's usage when it closes: after the publisher is gone the target
            // stops, releases its allocation (Refresh with lifetime 0) and waits for coturn's answer
            assertThat(turn.awaitClosed(1, Duration.ofSeconds(60))).as("coturn closed the allocation\n" + turn.log())
                    .isTrue();
            assertThat(turn.processed("REFRESH")).as("the release was answered\n" + turn.log()).isPositive();
            assertThat(log.messages(Level.INFO, "not confirmed released")).as("Sluice saw the release answered")
                    .isEmpty();
            assertThat(turn.processed("ALLOCATE")).as(turn.log()).isPositive();
            assertThat(turn.peerBytes()).as("bytes coturn relayed vs %d the target sent\n%s", after.bytes(),
                    turn.log()).isGreaterThanOrEqualTo(after.bytes());
        }
    }

    /**
     * The same with the TURN server from the remote: a proxy in front of the webrtcbin WHIP server answers
     * OPTIONS with {@code Link: <turn:...>; rel="ice-server"; username=...; credential=...}, and Sluice's
     * config has no ICE servers.
     */
    @Test
    void whipTargetUsesTurnServerFromLinkHeader() throws Exception {
        int whip = Ports.tcp();
        int proxyPort = Ports.tcp();
        try (TurnServer turn = TurnServer.start(Duration.ofSeconds(SECONDS + 120));
                Peer proxy = Peer.command("whip-offer-filter.py", Map.of("LINK", "<" + turn.uri()
                        + ">; rel=\"ice-server\"; username=\"" + TurnServer.USER + "\"; credential=\""
                        + TurnServer.PASSWORD + "\"; credential-type=\"password\""), List.of("timeout", "-k", "5",
                        "120", "/usr/bin/python3", Path.of(System.getProperty("user.dir"),
                                "src/test/resources/peers/whip-offer-filter.py").toString(),
                        Integer.toString(proxyPort), "http://127.0.0.1:" + whip + "/remote/whip",
                        Integer.toString(SECONDS + 60)))) {
            assertThat(proxy.awaitLine("LISTENING", Duration.ofSeconds(15))).as(proxy.output()).isTrue();
            forwardWithTurn(turn, "whip://127.0.0.1:" + proxyPort + "/remote/whip", "[]", whip);
            assertThat(proxy.output()).contains("OPTIONS");
        }
    }

    /** ffmpeg publishes to Sluice, which forwards to a webrtcbin WHIP server (listening on {@code whip}). */
    private static void forwardWithTurn(TurnServer turn, String url, String iceServers, int whip) throws Exception {
        try (LogCapture log = new LogCapture();
                SluiceUnderTest sluice = SluiceUnderTest.start("""
                        paths:
                          live/turn:
                            forwardTargets:
                              - id: whip
                                url: %s
                                webrtcConfig:
                                  iceServers: %s
                        """.formatted(url, iceServers));
                Peer sink = Peer.start("sink-whip.sh", Integer.toString(whip), Integer.toString(SECONDS + 12))) {
            assertThat(Ports.awaitListening(whip, Duration.ofSeconds(15))).as(sink.output()).isTrue();
            java.time.Instant published = java.time.Instant.now();
            DestStats during;
            try (Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/turn"), Integer.toString(SECONDS))) {
                // not a fixed sample: the first WHIP session of a cold JVM on a loaded machine took 7-8 s to connect
                // (main and this branch alike), then a sample at 6 s saw CONNECTING and too few frames
                during = awaitForwarding(sluice, "live/turn", Duration.ofSeconds(SECONDS - 2), log);
                pub.await(Duration.ofSeconds(SECONDS + 30));
            }
            sink.await(Duration.ofSeconds(60));
            Map<String, String> got = sink.result("RECEIVED");
            System.out.printf("TURN whip target %s: %s; sink %s; Sluice %s; coturn %s%n", iceServers, during, got,
                    log.messages(Level.INFO, "connected via"), usage(turn));
            // every frame published while the target forwarded (from a keyframe, GOP 1 s) reached the sink
            double window = Duration.between(during.since(), published.plusSeconds(SECONDS)).toMillis() / 1000.0;
            assertThat(window).as("seconds the target forwarded: " + during).isGreaterThan(2);
            assertThat(Long.parseLong(got.get("frames"))).as(sink.output())
                    .isGreaterThanOrEqualTo(MediaChecks.lossless((window - 1) * MediaChecks.FPS, MediaChecks.FPS));
            assertThat(turn.processed("ALLOCATE")).as("Sluice allocated on coturn\n" + turn.log()).isPositive();
            // the target stopped with the publisher: its allocation, unused, is released all the same
            assertThat(turn.awaitClosed(1, Duration.ofSeconds(30))).as("coturn closed the allocation\n" + turn.log())
                    .isTrue();
        }
    }

    /** Waits until the path's one target forwards and returns its figures then; fails with Sluice's warnings. */
    private static DestStats awaitForwarding(SluiceUnderTest sluice, String path, Duration max, LogCapture log)
            throws Exception {
        boolean forwarding = Wait.until(() -> sluice.server().paths().get(path) != null
                && !sluice.server().paths().get(path).forwardStats().isEmpty()
                && sluice.server().paths().get(path).forwardStats().getFirst().state() == DestState.FORWARDING, max);
        assertThat(forwarding).as("the target of '%s' forwards within %s\n%s", path, max,
                log.messages(Level.WARN, "")).isTrue();
        return sluice.server().paths().get(path).forwardStats().getFirst();
    }

    /** The pair's local side ("127.0.0.1:50123/udp->127.0.0.1:8189") is a coturn relay port. */
    private static void assertRelayed(TurnServer turn, String pair, String output) {
        assertThat(pair).as(output).isNotNull().contains("->");
        String local = pair.substring(0, pair.indexOf("->"));
        int port = Integer.parseInt(local.replaceAll(".*:(\\d+)(/.*)?$", "$1"));
        assertThat(turn.isRelayPort(port)).as("selected pair " + pair + " is relayed\n" + turn.log()).isTrue();
    }

    /**
     * Allocation and permission or channel bind done, and coturn relayed at least the video bytes the
     * browser counted (its count is payload only; coturn's adds RTP/SRTP headers, audio and RTCP).
     */
    private static void assertTurnCarriedMedia(TurnServer turn, int allocations, long videoBytes)
            throws InterruptedException {
        boolean closed = turn.awaitClosed(allocations, Duration.ofSeconds(20));
        System.out.println("TURN coturn after the session: " + usage(turn) + " (browser video bytes " + videoBytes
                + ")" + (closed ? "" : " (session not closed within 20 s)\n" + turn.log()));
        assertThat(turn.processed("ALLOCATE")).as(turn.log()).isGreaterThanOrEqualTo(allocations);
        assertThat(turn.processed("CREATE_PERMISSION") + turn.processed("CHANNEL_BIND")).as(turn.log()).isPositive();
        assertThat(videoBytes).as("video bytes the browser counted").isGreaterThan(100_000);
        assertThat(turn.peerBytes()).as("bytes relayed vs %d video bytes\n%s", videoBytes, turn.log())
                .isGreaterThanOrEqualTo(videoBytes);
    }

    /** bytesReceived of the video inbound-rtp in read-whep.sh's JSON line ("WHEP|{...}"). */
    private static long videoBytesReceived(Peer reader) {
        for (String line : reader.lines()) {
            if (line.startsWith("WHEP|{")) {
                for (JsonNode i : JSON.readTree(line.substring(5)).path("inbound")) {
                    if (i.path("kind").asString().equals("video")) {
                        return i.path("bytesReceived").asLong();
                    }
                }
            }
        }
        throw new AssertionError("no video inbound-rtp stats from Chromium: " + reader.output());
    }

    private static String usage(TurnServer turn) {
        return "allocations=%d permissions=%d channelBinds=%d peerBytes=%d".formatted(turn.processed("ALLOCATE"),
                turn.processed("CREATE_PERMISSION"), turn.processed("CHANNEL_BIND"), turn.peerBytes());
    }

    /**
     * Runs a copy of a Chromium peer script whose RTCPeerConnection uses only {@code turn}'s relayed
     * candidates; fails if the script no longer has the line to change.
     */
    static Peer relayOnly(String script, TurnServer turn, Map<String, String> env, String... args) throws IOException {
        String text = Files.readString(Peer.peersDir().resolve(script));
        String plain = "iceServers: []";
        if (!text.contains(plain)) {
            throw new IllegalStateException(script + " has no '" + plain + "' to give a TURN server");
        }
        String relay = "iceServers: [{urls: '%s', username: '%s', credential: '%s'}], iceTransportPolicy: 'relay'"
                .formatted(turn.uri(), TurnServer.USER, TurnServer.PASSWORD);
        Path copy = Files.createTempFile("sluice-turn-", "-" + script);
        Files.writeString(copy, text.replace(plain, relay));
        copy.toFile().deleteOnExit();
        List<String> cmd = new ArrayList<>(List.of("bash", copy.toString()));
        cmd.addAll(List.of(args));
        return Peer.command(script + " (TURN relay only)", env, cmd);
    }
}
