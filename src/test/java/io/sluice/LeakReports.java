package io.sluice;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * LeakReports collects the {@code LEAK:} reports of Netty's ResourceLeakDetector in this JVM. The detector
 * only logs (at ERROR, under its own class name), which fails nothing; this appender keeps each report so
 * {@link LeakReportExtension} can fail the test after which it appeared.
 */
public final class LeakReports {
    static final String LOGGER = "io.netty.util.ResourceLeakDetector";
    private static final LeakReports INSTANCE = new LeakReports();

    private final List<String> reports = new ArrayList<>();

    private LeakReports() {
        Logger logger = (Logger) LoggerFactory.getLogger(LOGGER);
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                if (e.getLevel().isGreaterOrEqual(Level.ERROR) && e.getFormattedMessage().contains("LEAK:")) {
                    synchronized (reports) {
                        reports.add(e.getFormattedMessage());
                    }
                }
            }
        };
        appender.setName("leak-reports");
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        // needReport() asks the logger whether ERROR is on: a test's log level must not silence the detector
        if (!logger.isErrorEnabled()) {
            logger.setLevel(Level.ERROR);
        }
    }

    /** The collector, attached to the detector's logger on first use. */
    public static LeakReports get() {
        return INSTANCE;
    }

    /**
     * Lets the detector report what is already unreachable: a GC queues the lost buffers' phantom references,
     * and the detector reads that queue only when it tracks a new buffer: every one at paranoid (one allocation
     * suffices), one in 128 at the default and advanced levels (so allocate a few hundred; the unsampled ones
     * cost no stack capture).
     */
    public static void provoke() throws InterruptedException {
        System.gc();
        Thread.sleep(5); // the Reference Handler thread enqueues just after the collection
        poll();
    }

    /** Lets the detector report what earlier collections found, without a GC of its own. */
    public static void poll() {
        int n = ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID ? 1 : 512;
        for (int i = 0; i < n; i++) {
            PooledByteBufAllocator.DEFAULT.heapBuffer(1).release(); // pooled buffers are tracked, unpooled heap ones not
        }
    }

    /** Removes and returns the reports collected so far. */
    public List<String> drain() {
        synchronized (reports) {
            List<String> out = List.copyOf(reports);
            reports.clear();
            return out;
        }
    }
}
