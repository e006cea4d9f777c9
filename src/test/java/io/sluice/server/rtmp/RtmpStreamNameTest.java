package io.sluice.server.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The path, parameters and raw query (MTX_QUERY) of what RTMP clients send as app and stream name. */
class RtmpStreamNameTest {

    @Test
    void theQueryOnTheStreamNameAsFfmpegSendsIt() {
        // ffmpeg rtmp://h/live/cam?token=abc&x=1: app "live", stream name "cam?token=abc&x=1"
        RtmpStreamName n = RtmpStreamName.of("live", "cam?token=abc&x=1");
        assertThat(n.path()).isEqualTo("live/cam");
        assertThat(n.rawQuery()).isEqualTo("token=abc&x=1");
        assertThat(n.query()).containsEntry("token", "abc").containsEntry("x", "1");
    }

    @Test
    void theQueryOnTheAppOrOnBothIsJoinedAsSent() {
        assertThat(RtmpStreamName.of("live?user=u&pass=p", "cam").rawQuery()).isEqualTo("user=u&pass=p");
        RtmpStreamName both = RtmpStreamName.of("live?a=1", "cam?b=%20two");
        assertThat(both.path()).isEqualTo("live/cam");
        assertThat(both.rawQuery()).as("kept as sent, escapes included").isEqualTo("a=1&b=%20two");
        assertThat(both.query()).containsEntry("b", " two");
    }

    @Test
    void noQueryIsEmptyAndToStringHidesTheQuery() {
        assertThat(RtmpStreamName.of("live", "cam").rawQuery()).isEmpty();
        assertThat(RtmpStreamName.of("live", "cam?").rawQuery()).isEmpty();
        assertThat(RtmpStreamName.of("live", "cam?pass=S3cr3t").toString()).doesNotContain("S3cr3t");
    }
}
