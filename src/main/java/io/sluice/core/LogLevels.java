package io.sluice.core;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** LogLevels sets Sluice's log level at start and on reload. */
public final class LogLevels {
    private LogLevels() {
    }

    public static void set(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext lc) {
            lc.getLogger("io.sluice").setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
