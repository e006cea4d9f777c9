package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * ICE-TCP (RFC 6544) with headless Chromium as the client: Sluice offers passive TCP candidates on
 * {@code webrtcLocalTCPAddress}, and the browser, which here knows no UDP path, connects to that port and
 * runs ICE, DTLS and SRTP over the connection. A Chromium WHIP publisher's frames reach an ffmpeg RTSP
 * reader; a Chromium WHEP reader decodes what an ffmpeg RTSP publisher sends. Both sides say the pair is TCP.
 *
 * <p>How Chromium is kept off UDP: a copy of the shared peer script drops every UDP candidate from its offer
 * and from Sluice's answer, so neither side knows a UDP address of the other (Chromium has no switch that
 * turns UDP off; a network that blocks UDP looks the same to ICE: no UDP pair ever succeeds).
 */
@Timeout(300)
class WebrtcIceTcpIT {
    static final int SECONDS = 12;

    @Test
    void chromiumPublishesOverIceTcp() throws Exception {
        int tcp = Ports.tcp();
        try (LogCapture log = new LogCapture();
                SluiceUnderTest sluice = SluiceUnderTest.start("webrtcLocalTCPAddress: 127.0.0.1:" + tcp + "\n");
                Peer pub = tcpOnly("publish-whip-chromium.sh", Map.of("VCODEC", "h264"), sluice.whip("live/tcp"),
                        Integer.toString(SECONDS))) {
            assertThat(sluice.server().webrtc().tcpPort()).isEqualTo(tcp);
            WebrtcIngestIT.awaitPublisher(sluice, "live/tcp", pub);
            // the API shows the session's pair: TCP, on the ICE-TCP port
            JsonNode session = sluice.apiGet("/v3/webrtcsessions/list").path("items").path(0);
            System.out.println("ICE-TCP whip session in the API: " + session);
            assertThat(session.path("iceTransport").asString()).as(session.toString()).isEqualTo("tcp");
            assertThat(session.path("localCandidate").asString()).as(session.toString()).endsWith(":" + tcp);
            assertThat(session.path("remoteCandidate").asString()).as(session.toString()).startsWith("127.0.0.1:");
            try (Peer reader = Peer.start("read-rtsp.sh", sluice.rtsp("live/tcp"), Integer.toString(SECONDS - 4))) {
                reader.await(Duration.ofSeconds(SECONDS + 40));
                pub.await(Duration.ofSeconds(SECONDS + 60));
                Map<String, String> sent = pub.result("PUBLISHED");
                Map<String, String> read = reader.result("READ");
                List<String> connected = log.messages(Level.INFO, "connected on 'live/tcp' via");
                System.out.printf("ICE-TCP whip ingest: Chromium %s; RTSP reader %s; Sluice %s%n", sent, read,
                        connected);
                assertThat(sent.get("state")).as(pub.output()).isEqualTo("connected");
                assertThat(sent.get("pair")).as(pub.output()).endsWith(":" + tcp).contains("/tcp->");
                assertThat(connected).as("Sluice's session says its transport").singleElement().asString()
                        .contains(":" + tcp + " <-> 127.0.0.1:").endsWith(" tcp");
                // Chromium sets its own frame rate: the reader must get every frame of its 8 s at that rate
                double fps = Double.parseDouble(sent.get("frames")) / SECONDS;
                assertThat(fps).as(pub.output()).isGreaterThan(15);
                assertThat(Long.parseLong(read.get("frames"))).as(reader.output())
                        .isGreaterThanOrEqualTo(MediaChecks.lossless((SECONDS - 4) * fps, fps));
            }
        }
    }

    @Test
    void chromiumReadsWhepOverIceTcp() throws Exception {
        int tcp = Ports.tcp();
        try (SluiceUnderTest sluice = SluiceUnderTest.start("webrtcLocalTCPAddress: 127.0.0.1:" + tcp + "\n");
                Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/tcp"), Integer.toString(SECONDS + 25))) {
            Wait.until(() -> sluice.server().paths().get("live/tcp") != null
                    && sluice.server().paths().get("live/tcp").stream() != null, Duration.ofSeconds(20));
            try (Peer reader = tcpOnly("read-whep.sh", Map.of(), sluice.whep("live/tcp"), Integer.toString(SECONDS))) {
                reader.await(Duration.ofSeconds(SECONDS + 60));
                Map<String, String> read = reader.result("READ");
                System.out.printf("ICE-TCP whep reader: %s%n", read);
                assertThat(read.get("state")).as(reader.output()).isEqualTo("connected");
                assertThat(read.get("pair")).as(reader.output()).endsWith(":" + tcp).contains("/tcp->");
                assertThat(read.get("video")).as(reader.output()).isEqualTo("h264");
                // every frame the publisher sent (30 fps) from the first one shown to the end of the read
                double firstFrame = Double.parseDouble(read.get("first_frame_ms")) / 1000;
                assertThat(firstFrame).as(reader.output()).isBetween(0.0, 5.0);
                assertThat(Long.parseLong(read.get("frames"))).as(reader.output())
                        .isGreaterThanOrEqualTo(MediaChecks.lossless((SECONDS - firstFrame) * MediaChecks.FPS,
                                MediaChecks.FPS));
            }
        }
    }

    /**
     * Runs a copy of a Chromium peer script that offers only its TCP candidates and applies the answer
     * without Sluice's UDP ones; fails if the script no longer has the lines to change.
     */
    static Peer tcpOnly(String script, Map<String, String> env, String... args) throws IOException {
        String text = Files.readString(Peer.peersDir().resolve(script));
        String offerFilter = "filter(l => !l.startsWith('a=candidate:') || / (127\\.0\\.0\\.1|::1) /.test(l))";
        String answer = "await pc.setRemoteDescription({type: 'answer', sdp: ans});";
        if (!text.contains(offerFilter) || !text.contains(answer)) {
            throw new IllegalStateException(script + " has no candidate filter or answer line to change");
        }
        String noUdp = "l => !(l.startsWith('a=candidate:') && / udp /i.test(l))";
        String copyText = text.replace(offerFilter, offerFilter + ".filter(" + noUdp + ")")
                .replace(answer, "await pc.setRemoteDescription({type: 'answer', sdp: ans.split('\\r\\n').filter("
                        + noUdp + ").join('\\r\\n')});");
        Path copy = Files.createTempFile("sluice-icetcp-", "-" + script);
        Files.writeString(copy, copyText);
        copy.toFile().deleteOnExit();
        List<String> cmd = new ArrayList<>(List.of("bash", copy.toString()));
        cmd.addAll(List.of(args));
        return Peer.command(script + " (ICE-TCP only)", env, cmd);
    }
}
