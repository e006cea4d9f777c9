package io.sluice.net.srt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SrtOptionsTest {
    @Test
    void defaultsAreLibsrtsLiveDefaults() {
        assertThat(SrtOptions.defaults()).isEqualTo(new SrtOptions(120, "", 0, "", 3000, 5000));
    }

    @Test
    void badValuesAreNamed() {
        SrtOptions d = SrtOptions.defaults();
        assertThatThrownBy(() -> d.withLatencyMs(-1)).hasMessageContaining("latency").hasMessageContaining("-1");
        assertThatThrownBy(() -> d.withPassphrase("123456789")).hasMessageContaining("10 to 79 bytes, got 9");
        assertThatThrownBy(() -> d.withPassphrase("x".repeat(80))).hasMessageContaining("got 80");
        assertThatThrownBy(() -> new SrtOptions(120, "", 20, "", 3000, 5000)).hasMessageContaining("pbkeylen")
                .hasMessageContaining("20");
        assertThatThrownBy(() -> d.withStreamId("s".repeat(513))).hasMessageContaining("got 513");
        assertThatThrownBy(() -> new SrtOptions(120, "", 0, "", 0, 5000)).hasMessageContaining("connect timeout");
        assertThatThrownBy(() -> new SrtOptions(120, "", 0, "", 3000, 0)).hasMessageContaining("idle timeout");
    }

    @Test
    void toStringHidesThePassphrase() {
        assertThat(SrtOptions.defaults().withPassphrase("top-secret-123").toString())
                .doesNotContain("top-secret").contains("passphrase=***");
    }
}
