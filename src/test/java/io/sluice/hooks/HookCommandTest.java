package io.sluice.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HookCommandTest {

    @Test
    void splitsOnBlanksAndHonoursQuotesAndEscapes() throws Exception {
        assertThat(HookCommand.split("ffmpeg  -i rtsp://localhost:8554/cam -c copy"))
                .containsExactly("ffmpeg", "-i", "rtsp://localhost:8554/cam", "-c", "copy");
        assertThat(HookCommand.split("sh -c 'echo \"a b\" > /tmp/x' \"c \\\"d\\\" \\q\" e\\ f"))
                .containsExactly("sh", "-c", "echo \"a b\" > /tmp/x", "c \"d\" \\q", "e f");
        assertThat(HookCommand.split("a''b \"\"")).containsExactly("ab", "");
    }

    @Test
    void anOpenQuoteOrNothingIsAnErrorNamingTheLine() {
        assertThatThrownBy(() -> HookCommand.split("sh -c 'echo")).isInstanceOf(HookCommandException.class)
                .hasMessageContaining("unterminated ' quote").hasMessageContaining("sh -c 'echo");
        assertThatThrownBy(() -> HookCommand.split("echo \"x")).hasMessageContaining("unterminated \" quote");
        assertThatThrownBy(() -> HookCommand.split("   ")).hasMessageContaining("empty command");
    }

    @Test
    void expandsVariablesInEveryWordHookFirstThenEnvironmentElseEmpty() throws Exception {
        Map<String, String> vars = Map.of("MTX_PATH", "live/cam1", "RTSP_PORT", "8554", "G1", "1");
        Map<String, String> env = Map.of("HOME", "/home/x", "MTX_PATH", "not this");
        List<String> argv = HookCommand.argv("ffmpeg -i rtsp://localhost:$RTSP_PORT/$MTX_PATH"
                + " 'rtmp://h/${MTX_PATH}_$G1' $HOME/$UNSET. $ $-x ${open", vars, env);
        assertThat(argv).containsExactly("ffmpeg", "-i", "rtsp://localhost:8554/live/cam1",
                "rtmp://h/live/cam1_1", "/home/x/.", "$", "$-x", "${open");
    }

    @Test
    void resolvesTheProgramInPathOrNamesWhatIsMissing() throws Exception {
        assertThat(HookCommand.resolve("sh", "/nonexistent:/usr/bin:/bin")).endsWith("/sh");
        assertThat(HookCommand.resolve("/bin/sh", "")).isEqualTo("/bin/sh");
        assertThatThrownBy(() -> HookCommand.resolve("no-such-program-17", "/usr/bin"))
                .hasMessageContaining("'no-such-program-17' not found in PATH");
        assertThatThrownBy(() -> HookCommand.resolve("/nonexistent/prog", "")).hasMessageContaining("not an executable");
    }
}
