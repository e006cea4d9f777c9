package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HooksConfTest {

    @Test
    void pathHooksReadOverPathDefaultsAndConnectionHooksAtTheTop() throws Exception {
        List<String> warnings = new ArrayList<>();
        Conf c = ConfLoader.fromTree(ConfLoader.readTree("""
                runOnConnect: curl http://h/connect?id=$MTX_CONN_ID
                runOnConnectRestart: yes
                runOnDisconnect: curl http://h/disconnect
                pathDefaults:
                  runOnReady: ffmpeg -i rtsp://localhost:$RTSP_PORT/$MTX_PATH -c copy -f flv rtmp://h/$MTX_PATH
                  runOnReadyRestart: yes
                  runOnDemandCloseAfter: 0s
                paths:
                  cam:
                    runOnInit: ffmpeg -re -i f.mp4 -f rtsp rtsp://localhost:$RTSP_PORT/cam
                    runOnReadyRestart: no
                    runOnNotReady: echo gone
                    runOnAvailable: echo available
                    runOnUnavailable: echo unavailable
                    runOnRead: echo read
                    runOnReadRestart: true
                    runOnUnread: echo unread
                    runOnDemand: echo demand
                    runOnDemandRestart: yes
                    runOnDemandStartTimeout: 3s
                    runOnUnDemand: echo undemand
                  all_others: {}
                """, "t.yml"), "t.yml", warnings);
        assertThat(warnings).as("hooks are implemented: no warning").isEmpty();
        assertThat(c.connHooks()).isEqualTo(new ConnHooksConf(new HookConf("curl http://h/connect?id=$MTX_CONN_ID", true),
                new HookConf("curl http://h/disconnect", false)));
        HooksConf cam = c.pathFor("cam").hooks();
        assertThat(cam.ready()).isEqualTo(new HookConf(
                "ffmpeg -i rtsp://localhost:$RTSP_PORT/$MTX_PATH -c copy -f flv rtmp://h/$MTX_PATH", false));
        assertThat(cam.init().command()).startsWith("ffmpeg -re");
        assertThat(cam.notReady()).isEqualTo(new HookConf("echo gone", false));
        assertThat(cam.available()).isEqualTo(new HookConf("echo available", false));
        assertThat(cam.unavailable().command()).isEqualTo("echo unavailable");
        assertThat(cam.read()).isEqualTo(new HookConf("echo read", true));
        assertThat(cam.unread().command()).isEqualTo("echo unread");
        assertThat(cam.demand()).isEqualTo(new HookConf("echo demand", true));
        assertThat(cam.demandStartTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(cam.demandCloseAfter()).isZero();
        assertThat(cam.unDemand().command()).isEqualTo("echo undemand");
        HooksConf other = c.pathFor("x").hooks();
        assertThat(other.ready().restart()).as("pathDefaults apply to all_others").isTrue();
        assertThat(other.init().isSet()).isFalse();
        assertThat(other.demandStartTimeout()).as("mediamtx's default").isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aWrongValueNamesItsKeyPath() {
        assertThatThrownBy(() -> ConfLoader.parse("""
                paths:
                  cam:
                    runOnReadyRestart: maybe
                    runOnDemandStartTimeout: 0s
                """, "t.yml")).isInstanceOf(ConfException.class)
                .hasMessageContaining("paths.cam.runOnReadyRestart").hasMessageContaining("maybe")
                .hasMessageContaining("paths.cam.runOnDemandStartTimeout");
    }

    @Test
    void theCommandIsMaskedInToString() {
        assertThat(new HookConf("ffmpeg -i x -f flv rtmp://user:s3cret@h/app", false).toString())
                .doesNotContain("s3cret");
    }
}
