package io.sluice.protocol.srt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SrtStreamIdTest {

    @Test
    void mediamtxForms() throws Exception {
        assertThat(SrtStreamId.parse("publish:live/cam1")).isEqualTo(new SrtStreamId(true, "live/cam1", "", ""));
        assertThat(SrtStreamId.parse("read:cam1")).isEqualTo(new SrtStreamId(false, "cam1", "", ""));
        assertThat(SrtStreamId.parse("publish:cam1:alice:s3cret")).isEqualTo(new SrtStreamId(true, "cam1", "alice", "s3cret"));
    }

    @Test
    void queriesAsMediamtxTakesThemAndAfterAQuestionMarkInThePath() throws Exception {
        // mediamtx: ACTION:PATH:QUERY and ACTION:PATH:USER:PASS:QUERY
        assertThat(SrtStreamId.parse("read:cam1:token=abc&x=1"))
                .isEqualTo(new SrtStreamId(false, "cam1", "", "", "token=abc&x=1"));
        assertThat(SrtStreamId.parse("publish:cam1:alice:pw:x=1"))
                .isEqualTo(new SrtStreamId(true, "cam1", "alice", "pw", "x=1"));
        // as URLs write it, in both forms; joined after the QUERY field when both are there
        assertThat(SrtStreamId.parse("publish:live/cam?x=1&y=2"))
                .isEqualTo(new SrtStreamId(true, "live/cam", "", "", "x=1&y=2"));
        assertThat(SrtStreamId.parse("read:cam?a=1:b=2")).isEqualTo(new SrtStreamId(false, "cam", "", "", "b=2&a=1"));
        assertThat(SrtStreamId.parse("#!::r=live/cam?token=t1,m=publish,u=alice,s=pw"))
                .isEqualTo(new SrtStreamId(true, "live/cam", "alice", "pw", "token=t1"));
        assertThat(SrtStreamId.parse("#!::r=cam1").query()).isEmpty();
        assertThat(SrtStreamId.parse("read:cam1:q=S3cr3t").toString()).doesNotContain("S3cr3t");
    }

    @Test
    void accessControlForm() throws Exception {
        assertThat(SrtStreamId.parse("#!::r=live/cam1,m=publish,u=alice,s=pw"))
                .isEqualTo(new SrtStreamId(true, "live/cam1", "alice", "pw"));
        assertThat(SrtStreamId.parse("#!::m=request,r=cam1")).isEqualTo(new SrtStreamId(false, "cam1", "", ""));
        // no m: request (read), as the SRT access-control spec says
        assertThat(SrtStreamId.parse("#!::r=cam1").publish()).isFalse();
    }

    @Test
    void badIdsNameTheProblem() {
        assertThatThrownBy(() -> SrtStreamId.parse("")).hasMessageContaining("empty streamid");
        assertThatThrownBy(() -> SrtStreamId.parse("play:cam1")).hasMessageContaining("neither publish: nor read:");
        assertThatThrownBy(() -> SrtStreamId.parse("publish:")).hasMessageContaining("not ACTION:PATH");
        assertThatThrownBy(() -> SrtStreamId.parse("publish:cam1:user:pw:x:y")).hasMessageContaining("not ACTION:PATH")
                .hasMessageNotContaining("pw:x");
        assertThatThrownBy(() -> SrtStreamId.parse("#!::m=publish")).hasMessageContaining("no r=PATH");
        assertThatThrownBy(() -> SrtStreamId.parse("#!::r=a,m=bidirectional"))
                .isInstanceOfSatisfying(SrtStreamId.BadStreamIdException.class, e -> assertThat(e.badMode()).isTrue());
        assertThatThrownBy(() -> SrtStreamId.parse("#!::r=a,junk")).hasMessageContaining("not key=value");
    }

    @Test
    void errorsNeverQuoteAPassword() {
        // a typo in the action, a password without a user, a password with ':' or ',' in it
        for (String id : new String[] {"Publish:cam1:alice:S3cr3t", "Publish:cam1:S3cr3t", "publish:cam1:alice:S3:cr:3t",
                "play:cam?token=S3cr3t", "#!::r=cam1?token=S3cr3t,m=bidirectional",
                "play:cam1:S3cr3t", "#!::r=cam1,m=publish,u=alice,s=S3cr3t,junk",
                "#!::r=cam1,u=alice,s=S3c,r3t,m=bidirectional", "#!::s=S3cr3t,m=publish"}) {
            assertThatThrownBy(() -> SrtStreamId.parse(id)).as(id).hasMessageNotContaining("S3").hasMessageNotContaining("cr3t");
        }
        // what is left still says what was sent
        assertThatThrownBy(() -> SrtStreamId.parse("Publish:cam1:alice:S3cr3t"))
                .hasMessageContaining("'Publish:cam1:alice:***'");
        assertThat(SrtStreamId.redact("#!::r=cam1,u=alice,s=S3c,r3t,m=publish")).isEqualTo("#!::r=cam1,u=alice,s=***,m=publish");
        assertThat(SrtStreamId.redact("publish:cam1")).isEqualTo("publish:cam1");
        assertThat(SrtStreamId.redact("publish:cam1:S3cr3t")).isEqualTo("publish:cam1:***");
        assertThat(SrtStreamId.redact("publish:cam1?token=S3cr3t")).isEqualTo("publish:cam1?***");
        assertThat(SrtStreamId.redact("#!::r=cam1?token=S3,cr3t,m=publish")).isEqualTo("#!::r=cam1?***,m=publish");
    }

    @Test
    void toStringHidesThePassword() throws Exception {
        assertThat(SrtStreamId.parse("publish:cam1:alice:s3cret").toString()).doesNotContain("s3cret");
    }
}
