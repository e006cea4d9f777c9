package io.sluice.core;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import io.sluice.conf.LogConf;
import org.slf4j.LoggerFactory;

/**
 * LogOutput applies the log settings (logLevel, logDestinations, logFile) to Logback at start and on reload:
 * the level of Sluice's loggers, and which of the console appender of logback.xml and a file appender the
 * lines go to. Called only under {@link Server}'s lock or from Main before the server starts.
 */
public final class LogOutput {
    /** The console appender's name in logback.xml. */
    private static final String STDOUT = "STDOUT";
    private static final String FILE = "FILE";
    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %msg%n";

    /** logback.xml's console appender, kept when it is detached so that a reload can attach it again. */
    private static Appender<ILoggingEvent> console;

    private LogOutput() {
    }

    public static synchronized void apply(LogConf c) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext lc)) {
            return; // another SLF4J binding (none ships with Sluice): its own configuration decides
        }
        lc.getLogger("io.sluice").setLevel(Level.toLevel(c.level(), Level.INFO));
        Logger root = lc.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (console == null) {
            console = root.getAppender(STDOUT);
        }
        if (c.toStdout() && root.getAppender(STDOUT) == null && console != null) {
            root.addAppender(console);
        } else if (!c.toStdout()) {
            root.detachAppender(STDOUT);
        }
        Appender<ILoggingEvent> file = root.getAppender(FILE);
        if (file instanceof FileAppender<ILoggingEvent> f && (!c.toFile() || !f.getFile().equals(c.file()))) {
            root.detachAppender(f);
            f.stop();
            file = null;
        }
        if (c.toFile() && file == null) {
            root.addAppender(fileAppender(lc, c.file()));
        }
    }

    private static FileAppender<ILoggingEvent> fileAppender(LoggerContext lc, String path) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(lc);
        encoder.setPattern(PATTERN);
        encoder.start();
        FileAppender<ILoggingEvent> f = new FileAppender<>();
        f.setContext(lc);
        f.setName(FILE);
        f.setFile(path);
        f.setAppend(true);
        f.setEncoder(encoder);
        f.start();
        return f;
    }
}
