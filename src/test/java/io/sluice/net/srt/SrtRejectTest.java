package io.sluice.net.srt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SrtRejectTest {
    @Test
    void namesLibsrtReasonsAndAccessControlCodes() {
        assertThat(SrtReject.name(SrtReject.BADSECRET)).isEqualTo("BADSECRET");
        assertThat(SrtReject.name(0)).isEqualTo("UNKNOWN");
        assertThat(SrtReject.name(16)).isEqualTo("TIMEOUT");
        assertThat(SrtReject.name(17)).isEqualTo("CRYPTO");
        assertThat(SrtReject.name(1404)).isEqualTo("NOT_FOUND");
        assertThat(SrtReject.name(1500)).isEqualTo("INTERNAL");
        assertThat(SrtReject.name(1505)).isEqualTo("VERSION_UNSUPPORTED");
        assertThat(SrtReject.name(2001)).isEqualTo("USER_2001");
        assertThat(SrtReject.name(1999)).isEqualTo("REJX_1999");
        assertThat(SrtReject.name(99)).isEqualTo("REJ_99");
    }

    @Test
    void describesWhoRefused() {
        assertThat(SrtReject.describe(SrtReject.BADSECRET)).isEqualTo("rejected: BADSECRET wrong passphrase");
        assertThat(SrtReject.describe(SrtReject.NOT_FOUND)).isEqualTo("rejected by the listener: 1404 not found");
        assertThat(SrtReject.describe(2042)).isEqualTo("rejected by the listener: 2042");
    }

    @Test
    void decisionNeedsAnApplicationCode() {
        assertThatThrownBy(() -> SrtListener.Decision.reject(SrtReject.BADSECRET))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 10");
        assertThatThrownBy(() -> SrtListener.Decision.accept("short"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 5");
    }
}
