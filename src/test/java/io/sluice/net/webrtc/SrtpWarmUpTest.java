package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SrtpWarmUpTest {

    @Test
    void roundTripsEveryProfileWithoutAWarning() {
        Logger log = (Logger) LoggerFactory.getLogger(SrtpWarmUp.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            SrtpWarmUp.run();
        } finally {
            log.detachAppender(seen);
        }
        assertThat(seen.list).noneMatch(e -> e.getLevel().toString().equals("WARN"));
    }
}
