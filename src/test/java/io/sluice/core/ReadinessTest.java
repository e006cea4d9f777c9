package io.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.conf.ConfLoader;
import io.sluice.control.ReadinessInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The readiness probe's state: starting, running (with what is down), stopping for good. */
class ReadinessTest {

    @Test
    void startingThenRunningThenStoppingForGood() {
        Readiness r = new Readiness();
        ReadinessInfo starting = r.info();
        assertThat(starting.ready()).isFalse();
        assertThat(starting.state()).isEqualTo("starting");

        r.running(List.of());
        assertThat(r.info().ready()).isTrue();
        assertThat(r.info().state()).isEqualTo("running");

        r.running(List.of("rtmp server not running (rtmpAddress :1935)"));
        assertThat(r.info().ready()).isFalse();
        assertThat(r.info().notReady()).containsExactly("rtmp server not running (rtmpAddress :1935)");

        r.stopping();
        r.running(List.of()); // a reload racing the close does not make it ready again
        assertThat(r.info().state()).isEqualTo("stopping");
        assertThat(r.info().ready()).isFalse();
    }

    @Test
    void downNamesEachEnabledListenerWithoutServer() throws Exception {
        var c = ConfLoader.parse("rtmpAddress: 127.0.0.1:1936\nsrt: no\n", "t.yml");
        Object running = new Object();
        assertThat(Readiness.down(c, running, null, null, running, running))
                .containsExactly("rtmp server not running (rtmpAddress 127.0.0.1:1936)");
        assertThat(Readiness.down(c, running, running, null, running, running)).isEmpty();
    }
}
