package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The runtime makes its certificate once, on first use, and a closed runtime starts nothing. */
class WebrtcRuntimeTest {
    @Test
    void certificateIsMadeOnceOnFirstUse() {
        try (WebrtcRuntime r = new WebrtcRuntime()) {
            DtlsCertificate c = r.certificate();
            assertThat(c.fingerprintSha256()).isNotEmpty();
            assertThat(r.certificate()).isSameAs(c);
        }
    }

    @Test
    void closeJoinsTheWarmUpAndAClosedRuntimeStartsNone() throws Exception {
        WebrtcRuntime r = new WebrtcRuntime();
        r.prepare();
        r.prepare(); // once
        r.close();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("sluice-srtp-warmup"));
        WebrtcRuntime closed = new WebrtcRuntime();
        closed.close();
        closed.prepare();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("sluice-srtp-warmup"));
    }

    @Test
    void prepareInBackgroundMakesTheCertificateOnItsOwnThreadJoinedOnClose() {
        WebrtcRuntime r = new WebrtcRuntime();
        r.prepareInBackground();
        r.close();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("sluice-webrtc-prepare"));
        assertThat(r.certificate().fingerprintSha256()).as("made by the background thread or now").isNotEmpty();
    }
}
