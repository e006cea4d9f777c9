package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.sluice.control.SessionInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * mediamtx's hooks with third-party peers: the classic relay {@code runOnReady: ffmpeg -i
 * rtsp://localhost:$RTSP_PORT/$MTX_PATH -c copy -f flv rtmp://...} carries an ffmpeg RTMP publisher's stream
 * to nginx-rtmp and is gone (no process, no zombie) once the stream ends; hooks that write their environment
 * to files show what runOnAvailable, runOnNotReady, runOnRead, runOnUnread, runOnConnect and runOnDisconnect
 * got for the publisher, the relay and an ffmpeg RTSP reader; the publisher's and the reader's URLs carry a
 * query with a token, which the ready and read hooks get as MTX_QUERY and the log never shows.
 */
@Timeout(180)
class HooksIT {
    static final int SECONDS = 10;

    @TempDir
    Path dir;

    /** A hook that writes its environment to dir/NAME-$ID (atomically: written aside, then renamed). */
    private String envTo(String name, String idVar) {
        String f = dir + "/" + name + "-$" + idVar;
        return "sh -c 'env > " + f + ".tmp; mv " + f + ".tmp " + f + "'";
    }

    @Test
    void runOnReadyRelaysToNginxAndEveryHookGetsItsEnvironment() throws Exception {
        int nginx = Ports.tcp();
        String relayUrl = "rtmp://127.0.0.1:" + nginx + "/live/$MTX_PATH";
        String yaml = """
                runOnConnect: %s
                runOnDisconnect: %s
                paths:
                  relay:
                    publisherGrace: 1s
                    runOnReady: ffmpeg -hide_banner -nostdin -loglevel warning -i rtsp://localhost:$RTSP_PORT/$MTX_PATH -c copy -f flv %s
                    runOnAvailable: %s
                    runOnNotReady: %s
                    runOnRead: %s
                    runOnUnread: %s
                """.formatted(envTo("connect", "MTX_CONN_ID"), envTo("disconnect", "MTX_CONN_ID"), relayUrl,
                envTo("ready", "MTX_PATH"), envTo("notready", "MTX_PATH"), envTo("read", "MTX_READER_ID"),
                envTo("unread", "MTX_READER_ID"));
        String relayTarget = "rtmp://127.0.0.1:" + nginx + "/live/relay";
        String publisherQuery = "token=S3cr3tPub&cam=7";
        String readerQuery = "viewer=v1&token=S3cr3tRd";
        try (LogCapture log = new LogCapture(); SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sink = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(SECONDS + 20))) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            SessionInfo publisher;
            List<Long> relays;
            try (Peer pub = Peer.start("publish-rtmp.sh", sluice.rtmp("relay") + "?" + publisherQuery,
                    Integer.toString(SECONDS))) {
                assertThat(Wait.until(() -> !processesWith(relayTarget).isEmpty(), Duration.ofSeconds(10)))
                        .as("the runOnReady ffmpeg runs").isTrue();
                relays = processesWith(relayTarget);
                assertThat(relays).as("one relay").hasSize(1);
                long relay = relays.getFirst();
                assertThat(stat(relay).get(4)).as("the relay leads its own process group").isEqualTo(
                        Long.toString(relay));
                Thread.sleep(2000);
                publisher = sluice.server().paths().sessions().publisher("relay");
                assertThat(publisher).isNotNull();
                try (Peer reader = Peer.start("read-rtsp.sh", sluice.rtsp("relay") + "?" + readerQuery, "4")) {
                    reader.await(Duration.ofSeconds(60));
                    MediaChecks.assertRead(reader, 60, 90);
                }
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            }
            // the stream ends publisherGrace (1 s) after the publisher left; then the relay gets SIGTERM
            assertThat(Wait.until(() -> processesWith(relayTarget).isEmpty(), Duration.ofSeconds(15)))
                    .as("relay gone after the stream ended: " + processesWith(relayTarget)).isTrue();
            long relay = relays.getFirst();
            assertThat(Wait.until(() -> !Files.exists(Path.of("/proc/" + relay)), Duration.ofSeconds(5)))
                    .as("relay %d reaped, no zombie", relay).isTrue();

            Map<String, String> ready = env("ready-relay");
            assertThat(ready).containsEntry("MTX_PATH", "relay").containsEntry("MTX_SOURCE_TYPE", "rtmpConn")
                    .containsEntry("MTX_SOURCE_ID", publisher.id())
                    .containsEntry("RTSP_PORT", Integer.toString(sluice.rtspPort))
                    .containsEntry("MTX_QUERY", publisherQuery);
            Map<String, String> notReady = env("notready-relay");
            assertThat(notReady).containsEntry("MTX_SOURCE_ID", publisher.id()).containsEntry("MTX_PATH", "relay");

            // readers: the relay itself and the ffmpeg reader, both RTSP sessions
            List<Map<String, String>> reads = envs("read-");
            assertThat(reads).hasSize(2).allSatisfy(e -> assertThat(e).containsEntry("MTX_PATH", "relay")
                    .containsEntry("MTX_READER_TYPE", "rtspSession").containsKey("MTX_READER_ID"));
            // each reader's own query: ffmpeg's (its SETUP URLs, built on the Content-Base, lose it: taken from its
            // DESCRIBE), none for the relay
            assertThat(reads).extracting(e -> e.get("MTX_QUERY")).containsExactlyInAnyOrder(readerQuery, "");
            for (Level level : List.of(Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
                assertThat(log.messages(level, "S3cr3t")).as("queries' tokens in the log at " + level).isEmpty();
            }
            assertThat(Wait.until(() -> envs("unread-").size() == 2, Duration.ofSeconds(10))).isTrue();
            assertThat(envs("unread-")).extracting(e -> e.get("MTX_READER_ID"))
                    .containsExactlyInAnyOrderElementsOf(reads.stream().map(e -> e.get("MTX_READER_ID")).toList());

            // connections: the publisher (RTMP) and the two readers (RTSP), each connected and disconnected
            List<Map<String, String>> connects = envs("connect-");
            assertThat(connects).extracting(e -> e.get("MTX_CONN_TYPE"))
                    .containsExactlyInAnyOrder("rtmpConn", "rtspConn", "rtspConn");
            assertThat(connects).extracting(e -> e.get("MTX_CONN_ID")).contains(publisher.id());
            assertThat(Wait.until(() -> envs("disconnect-").size() == 3, Duration.ofSeconds(10))).isTrue();

            // The relay is an RTSP reader that joins once ffmpeg has started (about a second after the stream
            // became ready) at the last keyframe (the GOP cache): it may miss up to one GOP (1 s) at the start;
            // from there on nothing may be lost.
            Map<String, String> received = MediaChecks.assertReceived(sink, (SECONDS - 1) * MediaChecks.FPS,
                    (SECONDS - 1) * MediaChecks.AAC_FPS);
            assertThat(received.get("sessions")).as(sink.output()).isEqualTo("1");
        }
    }

    private Map<String, String> env(String file) throws Exception {
        Path f = dir.resolve(file);
        assertThat(Wait.until(() -> Files.exists(f), Duration.ofSeconds(10))).as(f + " written").isTrue();
        return read(f);
    }

    private List<Map<String, String>> envs(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix) && !p.toString().endsWith(".tmp"))
                    .map(HooksIT::read).toList();
        }
    }

    private static Map<String, String> read(Path f) {
        try {
            return Files.readAllLines(f).stream().filter(l -> l.contains("=")).map(l -> l.split("=", 2))
                    .collect(Collectors.toMap(a -> a[0], a -> a[1], (a, b) -> b));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Live (not zombie) processes whose command line contains text. */
    private static List<Long> processesWith(String text) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            return s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).filter(p -> {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
                    return cmd.contains(text) && !stat(Long.parseLong(p.getFileName().toString())).get(2).equals("Z");
                } catch (IOException | RuntimeException e) {
                    return false; // gone meanwhile
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }

    /** /proc/PID/stat's fields, field 1 (comm) left as a placeholder: [pid, comm, state, ppid, pgrp, ...]. */
    private static List<String> stat(long pid) throws IOException {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String rest = s.substring(s.lastIndexOf(')') + 2);
        return Stream.concat(Stream.of(Long.toString(pid), "comm"), Stream.of(rest.split(" "))).toList();
    }
}
