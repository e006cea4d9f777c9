package io.sluice.net.srt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SrtLibraryTest {
    @Test
    void missingLibraryTellsWhatToInstallAndWhatWasTried() {
        assertThatThrownBy(() -> SrtLibrary.open(List.of("libsrt-nonexistent.so.0", "libsrt-also-missing.so.9")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("libsrt not found (apt-get install libsrt1.5-openssl): ")
                .hasMessageContaining("libsrt-nonexistent.so.0").hasMessageContaining("libsrt-also-missing.so.9");
    }

    @Test
    void fallsBackToTheNextSoname() {
        SrtTesting.assumeSrt();
        assertThat(SrtLibrary.open(List.of("libsrt-nonexistent.so.0", "libsrt-gnutls.so.1.5")).soname())
                .isEqualTo("libsrt-gnutls.so.1.5");
    }
}
