package io.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.sluice.conf.LogConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LogOutputTest {

    private final Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory())
            .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @AfterEach
    void backToTheDefault() {
        LogOutput.apply(LogConf.DEFAULT);
    }

    @Test
    void fileAloneAppendsToLogFileAndLeavesStdout(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sluice.log");
        LogOutput.apply(new LogConf("info", List.of("file"), file.toString()));
        assertThat(root.getAppender("STDOUT")).isNull();
        LoggerFactory.getLogger("io.sluice.core.LogOutputTest").info("to the file only");
        assertThat(Files.readString(file)).contains("INFO  to the file only");

        LogOutput.apply(LogConf.DEFAULT);
        assertThat(root.getAppender("STDOUT")).as("stdout again after a reload").isNotNull();
        assertThat(root.getAppender("FILE")).isNull();
        LoggerFactory.getLogger("io.sluice.core.LogOutputTest").info("not in the file");
        assertThat(Files.readString(file)).doesNotContain("not in the file");
    }
}
