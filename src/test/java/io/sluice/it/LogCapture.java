package io.sluice.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * LogCapture records what Sluice logs (logback, in the test's JVM) while it is open, so a test can
 * assert that a condition was logged, and how many times.
 */
final class LogCapture implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture() {
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
    }

    /** Formatted messages at {@code level} from loggers under {@code io.sluice} that contain {@code text} (any case). */
    List<String> messages(Level level, String text) {
        String t = text.toLowerCase(Locale.ROOT);
        synchronized (appender) { // AppenderBase.doAppend holds this lock while it appends
            return appender.list.stream()
                    .filter(e -> e.getLevel() == level && e.getLoggerName().startsWith("io.sluice"))
                    .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
                    .filter(m -> m.toLowerCase(Locale.ROOT).contains(t)).toList();
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
