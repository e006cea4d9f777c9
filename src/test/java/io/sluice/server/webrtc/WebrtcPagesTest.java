package io.sluice.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebrtcPagesTest {
    @Test
    void bothPagesCarryTheSharedClientInline() {
        for (String page : new String[] {WebrtcPages.READ, WebrtcPages.PUBLISH}) {
            assertThat(page).doesNotContain(WebrtcPages.INCLUDE)
                    .contains("function setStatus(", "function authHeaders(", "async function iceServers(",
                            "function gathered(", "async function exchange(", "function disconnect(")
                    .containsOnlyOnce("function setStatus(").containsOnlyOnce("method: 'POST'");
        }
        assertThat(WebrtcPages.READ).contains("/whep'").doesNotContain("getUserMedia");
        assertThat(WebrtcPages.PUBLISH).contains("/whip'", "getUserMedia");
    }
}
