package io.sluice.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.conf.Conf;
import io.sluice.conf.ConfLoader;
import io.sluice.control.SessionInfo;
import io.sluice.hooks.HookProcessTest.Wait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HooksTest drives {@link Hooks} with the events paths and sessions send, and reads what each command wrote:
 * the hook's variables as its environment shows them, one file per run.
 */
@Timeout(60)
class HooksTest {
    @TempDir
    Path dir;
    private Hooks hooks;

    @AfterEach
    void close() {
        if (hooks != null) {
            hooks.close();
        }
    }

    /** A command that writes its MTX_/G/RTSP_PORT variables to dir/NAME-ID (ID from the variable idVar). */
    private String envTo(String name, String idVar, boolean stay) {
        return "sh -c 'env | grep -E \"^(MTX_|G[0-9]|RTSP_PORT)\" | sort > " + dir + "/" + name + "-$" + idVar
                + ".tmp; mv " + dir + "/" + name + "-$" + idVar + ".tmp " + dir + "/" + name + "-$" + idVar
                + (stay ? "; exec sleep 100'" : "'");
    }

    private Hooks start(String yaml) throws Exception {
        Conf conf = ConfLoader.parse(yaml, "test.yml");
        hooks = new Hooks(() -> conf, HookProcessTest.FAST);
        hooks.start();
        return hooks;
    }

    private Map<String, String> envOf(String file) throws Exception {
        Path f = dir.resolve(file);
        Wait.until(() -> Files.exists(f), Duration.ofSeconds(10));
        return Files.readAllLines(f).stream().map(l -> l.split("=", 2))
                .collect(Collectors.toMap(a -> a[0], a -> a.length > 1 ? a[1] : ""));
    }

    private static SessionInfo session(String id, String protocol, String role, String path) {
        return new SessionInfo(id, protocol, role, path, "127.0.0.1:5000", "", Instant.now(), 0);
    }

    @Test
    void readyRunsWithItsPublishersSessionAndNotReadyFollowsWhenTheStreamEnds() throws Exception {
        Hooks h = start("""
                rtspAddress: :18554
                paths:
                  "~^cam([0-9]+)$":
                    runOnReady: %s
                    runOnNotReady: %s
                """.formatted(envTo("ready", "MTX_PATH", true), envTo("notready", "MTX_PATH", false)));
        var entry = h.conf().pathFor("cam7");
        h.streamReady("cam7", entry, "rtmpConn 127.0.0.1:5000");
        h.sessionOpened(session("abc123", "rtmp", "publish", "cam7"));
        Map<String, String> env = envOf("ready-cam7");
        assertThat(env).containsEntry("MTX_PATH", "cam7").containsEntry("G1", "7").containsEntry("RTSP_PORT", "18554")
                .containsEntry("MTX_SOURCE_TYPE", "rtmpConn").containsEntry("MTX_SOURCE_ID", "abc123")
                .containsEntry("MTX_QUERY", "");
        Wait.until(() -> h.runningCount() == 1, Duration.ofSeconds(5));
        h.streamEnded("cam7", entry);
        assertThat(envOf("notready-cam7")).isEqualTo(env);
        Wait.until(() -> h.runningCount() == 0, Duration.ofSeconds(5));
    }

    @Test
    void mtxQueryIsThePublishersForTheReadyHooksAndEachReadersForItsReadHooks() throws Exception {
        Hooks h = start("""
                paths:
                  cam:
                    runOnReady: %s
                    runOnRead: %s
                    runOnUnread: %s
                """.formatted(envTo("ready", "MTX_PATH", true), envTo("read", "MTX_READER_ID", true),
                envTo("unread", "MTX_READER_ID", false)));
        h.streamReady("cam", h.conf().pathFor("cam"), "rtspSession 127.0.0.1:5000");
        h.sessionOpened(new SessionInfo("p1", "rtsp", "publish", "cam", "127.0.0.1:5000", "", Instant.now(), 0,
                "token=pub&x=1"));
        SessionInfo r1 = new SessionInfo("r1", "rtmp", "read", "cam", "127.0.0.1:5001", "", Instant.now(), 0,
                "who=viewer%201");
        h.sessionOpened(r1);
        h.sessionOpened(session("r2", "srt", "read", "cam"));
        assertThat(envOf("ready-cam")).containsEntry("MTX_QUERY", "token=pub&x=1")
                .containsEntry("MTX_SOURCE_ID", "p1");
        assertThat(envOf("read-r1")).containsEntry("MTX_QUERY", "who=viewer%201");
        assertThat(envOf("read-r2")).containsEntry("MTX_QUERY", "");
        h.sessionClosed(r1);
        assertThat(envOf("unread-r1")).containsEntry("MTX_QUERY", "who=viewer%201");
    }

    @Test
    void aStreamWithoutARegisteredPublisherGetsItsTypeFromTheDescription() throws Exception {
        Hooks h = start("""
                paths:
                  cam:
                    runOnReady: %s
                """.formatted(envTo("ready", "MTX_PATH", false)));
        h.streamReady("cam", h.conf().pathFor("cam"), "rtspSource rtsp://camera/1");
        Map<String, String> env = envOf("ready-cam");
        assertThat(env).containsEntry("MTX_SOURCE_TYPE", "rtspSource").containsEntry("MTX_SOURCE_ID", "")
                .containsEntry("RTSP_PORT", "8554").containsEntry("MTX_QUERY", "");
    }

    @Test
    void readAndUnreadPerReaderConnectAndDisconnectPerSession() throws Exception {
        Hooks h = start("""
                runOnConnect: %s
                runOnDisconnect: %s
                paths:
                  all_others:
                    runOnRead: %s
                    runOnUnread: %s
                """.formatted(envTo("connect", "MTX_CONN_ID", true), envTo("disconnect", "MTX_CONN_ID", false),
                envTo("read", "MTX_READER_ID", true), envTo("unread", "MTX_READER_ID", false)));
        SessionInfo reader = session("r1", "webrtc", "read", "live/x");
        SessionInfo publisher = session("p1", "srt", "publish", "live/x");
        h.sessionOpened(reader);
        h.sessionOpened(publisher);
        assertThat(envOf("read-r1")).containsEntry("MTX_READER_TYPE", "webRTCSession")
                .containsEntry("MTX_READER_ID", "r1").containsEntry("MTX_PATH", "live/x");
        assertThat(envOf("connect-r1")).containsEntry("MTX_CONN_TYPE", "webRTCSession");
        assertThat(envOf("connect-p1")).containsEntry("MTX_CONN_TYPE", "srtConn").containsEntry("MTX_CONN_ID", "p1")
                .containsEntry("RTSP_PORT", "8554");
        Wait.until(() -> h.runningCount() == 3, Duration.ofSeconds(5));
        assertThat(dir.resolve("read-p1")).as("a publisher is no reader").doesNotExist();
        h.sessionClosed(reader);
        assertThat(envOf("unread-r1")).containsEntry("MTX_READER_ID", "r1");
        assertThat(envOf("disconnect-r1")).containsEntry("MTX_CONN_TYPE", "webRTCSession");
        Wait.until(() -> h.runningCount() == 1, Duration.ofSeconds(5)); // p1's runOnConnect
        h.sessionClosed(publisher);
        assertThat(envOf("disconnect-p1")).containsEntry("MTX_CONN_ID", "p1");
        Wait.until(() -> h.runningCount() == 0, Duration.ofSeconds(5));
        assertThat(dir.resolve("unread-p1")).doesNotExist();
        SessionInfo source = session("s1", "rtspSource", "publish", "live/x");
        h.sessionOpened(source);
        h.sessionClosed(source);
        Thread.sleep(500);
        assertThat(dir.resolve("connect-s1")).as("a pull source is no client connection").doesNotExist();
        assertThat(dir.resolve("disconnect-s1")).doesNotExist();
    }

    @Test
    void initRunsForConfiguredExactPathsUntilTheyGoAndRestartsWhenItsCommandChanges() throws Exception {
        Hooks h = start("""
                paths:
                  cam:
                    runOnInit: %s
                  "~^other$":
                    runOnInit: %s
                """.formatted(envTo("init", "MTX_PATH", true), envTo("init", "MTX_PATH", true)));
        h.pathAdded("cam", h.conf().pathFor("cam"));
        h.pathAdded("other", h.conf().pathFor("other"));
        assertThat(envOf("init-cam")).containsEntry("MTX_PATH", "cam");
        Wait.until(() -> h.runningCount() == 1, Duration.ofSeconds(5));
        Thread.sleep(300);
        assertThat(dir.resolve("init-other")).as("regex entries have no runOnInit").doesNotExist();
        var changed = h.conf().pathFor("cam").withHooks(new io.sluice.conf.HooksConf(
                new io.sluice.conf.HookConf("sh -c 'touch " + dir + "/init2; exec sleep 100'", false),
                io.sluice.conf.HookConf.NONE, Duration.ofSeconds(10), Duration.ofSeconds(10),
                io.sluice.conf.HookConf.NONE, io.sluice.conf.HookConf.NONE, io.sluice.conf.HookConf.NONE,
                io.sluice.conf.HookConf.NONE, io.sluice.conf.HookConf.NONE, io.sluice.conf.HookConf.NONE,
                io.sluice.conf.HookConf.NONE));
        h.pathChanged("cam", changed);
        Wait.until(() -> Files.exists(dir.resolve("init2")), Duration.ofSeconds(5));
        Wait.until(() -> h.runningCount() == 1, Duration.ofSeconds(5));
        h.pathRemoved("cam");
        Wait.until(() -> h.runningCount() == 0, Duration.ofSeconds(5));
    }

    @Test
    void demandCommandStartsOnceAndStopRunsUnDemand() throws Exception {
        Hooks h = start("""
                paths:
                  "~^ondemand/(.+)$":
                    runOnDemand: %s
                    runOnUnDemand: %s
                    runOnDemandStartTimeout: 3s
                    runOnDemandCloseAfter: 0s
                  plain: {}
                """.formatted(envTo("demand", "G1", true), envTo("undemand", "G1", false)));
        assertThat(h.demandCommand("plain")).isNull();
        DemandCommand d = h.demandCommand("ondemand/a");
        assertThat(d.startTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(d.closeAfter()).isZero();
        d.start("token=r1&x=1");
        d.start("token=r2"); // runs already: a second reader's query changes nothing
        assertThat(envOf("demand-a")).containsEntry("MTX_PATH", "ondemand/a").containsEntry("G1", "a")
                .containsEntry("MTX_QUERY", "token=r1&x=1");
        Wait.until(() -> h.runningCount() == 1, Duration.ofSeconds(5));
        d.stop();
        assertThat(envOf("undemand-a")).containsEntry("G1", "a").containsEntry("MTX_QUERY", "token=r1&x=1");
        Wait.until(() -> h.runningCount() == 0, Duration.ofSeconds(5));
        assertThat(d.started()).isFalse();
    }

    @Test
    void eventsWaitForStart() throws Exception {
        Conf conf = ConfLoader.parse("""
                paths:
                  cam:
                    runOnInit: %s
                """.formatted(envTo("init", "MTX_PATH", false)), "test.yml");
        hooks = new Hooks(() -> conf, HookProcessTest.FAST);
        hooks.pathAdded("cam", conf.pathFor("cam"));
        Thread.sleep(500);
        assertThat(dir.resolve("init-cam")).as("not before start()").doesNotExist();
        hooks.start();
        assertThat(envOf("init-cam")).containsEntry("MTX_PATH", "cam");
    }

    @Test
    void closeEndsEveryCommandAndLeavesNoThread() throws Exception {
        Hooks h = start("""
                runOnConnect: sh -c 'sleep 100 & sleep 100'
                paths:
                  all_others:
                    runOnRead: sleep 100
                """);
        h.sessionOpened(session("r1", "rtsp", "read", "x"));
        h.sessionOpened(session("r2", "rtmp", "read", "x"));
        Wait.until(() -> h.runningCount() == 4, Duration.ofSeconds(5));
        h.close();
        assertThat(h.runningCount()).isZero();
        h.sessionOpened(session("r3", "rtmp", "read", "x"));
        Thread.sleep(200);
        assertThat(h.runningCount()).as("no command after close").isZero();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("sluice-hook"));
    }
}
