package io.sluice.server.rtsp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The path and query (MTX_QUERY) of RTSP request URLs. */
class RtspPathCheckTest {

    @Test
    void theQueryOfARequestUrlAsSent() throws Exception {
        assertThat(RtspPathCheck.queryOf("rtsp://h:8554/live/cam?token=abc&x=%201")).isEqualTo("token=abc&x=%201");
        assertThat(RtspPathCheck.pathOf("rtsp://h:8554/live/cam?token=abc")).isEqualTo("live/cam");
        assertThat(RtspPathCheck.queryOf("rtsp://user:pw@h/cam?a=1")).isEqualTo("a=1");
        assertThat(RtspPathCheck.queryOf("rtsp://h/cam")).isEmpty();
        assertThat(RtspPathCheck.queryOf("rtsp://h/cam?")).isEmpty();
        assertThat(RtspPathCheck.queryOf("not a url")).isEmpty();
    }

    @Test
    void aSetupUrlBuiltOnTheContentBaseHasNoQuery() throws Exception {
        // Content-Base drops the query, so the reader's query comes from its DESCRIBE (RtspSetup.reader)
        String base = RtspPathCheck.baseUrl("rtsp://h/live/cam?token=abc");
        assertThat(base).isEqualTo("rtsp://h/live/cam/");
        assertThat(RtspPathCheck.queryOf(base + "trackID=0")).isEmpty();
        assertThat(RtspPathCheck.readerPathOf(base + "trackID=0")).isEqualTo("live/cam");
    }
}
