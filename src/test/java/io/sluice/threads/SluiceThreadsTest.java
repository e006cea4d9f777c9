package io.sluice.threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(30)
class SluiceThreadsTest {
    @Test
    void namesCountPerRoleAndFollowTheScheme() {
        String a = SluiceThreads.nextName("t-count");
        String b = SluiceThreads.nextName("t-count");
        assertThat(a).isEqualTo("sluice-t-count-0").matches(SluiceThreads.NAME);
        assertThat(b).isEqualTo("sluice-t-count-1");
        assertThat(SluiceThreads.nextName("fwd-live_Cam.1")).matches(SluiceThreads.NAME);
        assertThat("sluice-loop").doesNotMatch(SluiceThreads.NAME);
        assertThat("Thread-3").doesNotMatch(SluiceThreads.NAME);
        assertThatThrownBy(() -> SluiceThreads.nextName("sluice-x")).hasMessageContaining("\"sluice-x\"");
        assertThatThrownBy(() -> SluiceThreads.nextName("x-")).hasMessageContaining("\"x-\"");
    }

    @Test
    void platformAndVirtualThreadsCarryNameDaemonFlagAndHandler() throws Exception {
        Thread p = SluiceThreads.platform("t-plat", false).newThread(() -> { });
        assertThat(p.getName()).startsWith("sluice-t-plat-");
        assertThat(p.isDaemon()).isFalse();
        assertThat(p.getUncaughtExceptionHandler()).isSameAs(SluiceThreads.LOG_UNCAUGHT);
        assertThat(SluiceThreads.platform("t-plat", true).newThread(() -> { }).isDaemon()).isTrue();
        AtomicReference<String> name = new AtomicReference<>();
        try (ExecutorService e = SluiceThreads.perTaskVirtual("t-virt")) {
            e.submit(() -> name.set(Thread.currentThread().getName() + " " + Thread.currentThread().isVirtual())).get();
        }
        assertThat(name.get()).matches("sluice-t-virt-[0-9]+ true");
    }

    @Test
    void anUncaughtExceptionIsLoggedAtErrorWithTheThreadName() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger(SluiceThreads.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            Thread t = SluiceThreads.startPlatform("t-boom", true, () -> {
                throw new IllegalStateException("boom");
            });
            assertThat(SluiceThreads.join(t, Duration.ofSeconds(10))).isTrue();
        } finally {
            log.detachAppender(seen);
        }
        assertThat(seen.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.ERROR);
            assertThat(e.getFormattedMessage()).contains("sluice-t-boom-");
            assertThat(e.getThrowableProxy().getMessage()).isEqualTo("boom");
        });
    }

    @Test
    void joinWaitsThroughInterruptsAndKeepsThem() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread t = SluiceThreads.startPlatform("t-join", true, () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(SluiceThreads.join(t, Duration.ofMillis(50))).isFalse();
        Thread.currentThread().interrupt();
        Thread.ofVirtual().start(release::countDown);
        assertThat(SluiceThreads.join(t, Duration.ofSeconds(10))).isTrue();
        assertThat(Thread.interrupted()).isTrue(); // kept for the caller (and cleared here)
        assertThat(SluiceThreads.join(Thread.currentThread(), Duration.ofSeconds(1))).isFalse();
        assertThat(SluiceThreads.join(null, Duration.ZERO)).isTrue();
    }
}
