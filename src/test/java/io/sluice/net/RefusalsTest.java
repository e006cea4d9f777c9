package io.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.net.Refusals.Cause;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RefusalsTest {
    @Test
    void countsEveryRefusalByProtocolAndCause() {
        AtomicLong now = new AtomicLong();
        Refusals r = new Refusals(now::get);
        for (int i = 0; i < 1000; i++) {
            r.refuse("rtsp", Cause.IP_CONNECTIONS, "127.0.0.1:5000", "too many");
        }
        r.refuse("rtmp", Cause.BAD_PATH_NAME, "", "path 'a b'");
        assertThat(r.count("rtsp", Cause.IP_CONNECTIONS)).isEqualTo(1000);
        assertThat(r.count("rtmp", Cause.BAD_PATH_NAME)).isEqualTo(1);
        assertThat(r.count("srt", Cause.BAD_PATH_NAME)).isZero();
        assertThat(r.counts()).hasSize(2);
        assertThat(Cause.IP_CONNECTIONS.label()).isEqualTo("ip_connections");
    }
}
