package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "rtsp://user:secret@h/x|rtsp://***@h/x",
        "rtsp://user@h/x|rtsp://***@h/x",
        "rtsp://h/x@y|rtsp://h/x@y",
        "srt://h:1?streamid=a&passphrase=secret12345|srt://h:1?streamid=a&passphrase=***",
        "whip://h/x?token=abc&a=b|whip://h/x?token=***&a=b",
        "rtmp://h/app/key?pass=abc;PASSWORD=def|rtmp://h/app/key?pass=***;PASSWORD=***",
        "not a url pass=x|not a url pass=x",
        "htp://u:p@h|htp://***@h"})
    void masksCredentials(String raw, String redacted) {
        assertThat(Redact.url(raw)).isEqualTo(redacted);
    }

    @Test
    void recordsNeverPrintSecrets() {
        DestUrl url = DestUrl.parse("rtsp://user:secret@h/x?token=tok1");
        ForwardDest d = new ForwardDest("a", url, true, true, Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ZERO, "bob", "pw-secret", RtspDestConf.DEFAULT, new SrtDestConf("passphrase-secret", 120, 0, ""),
                new WebrtcDestConf(List.of("turn:tu:turn-secret@t:3478")), RtmpDestConf.DEFAULT, 0, "", ForwardCondition.ALWAYS);
        PathConf p = new PathConf("cam1", "pub", "pub-secret", "rd", "read-secret", List.of(d));

        assertThat(d.redactedUrl()).isEqualTo("rtsp://***@h/x?token=***");
        for (String s : List.of(d.toString(), p.toString(), url.toString(), d.srtConfig().toString(),
                d.webrtcConfig().toString())) {
            assertThat(s).doesNotContain("secret", "tok1");
        }
        assertThat(p.toString()).contains("pub", "rd", "bob", "cam1");
        AuthUser u = new AuthUser("carol", "carol-secret", List.of("10.0.0.0/8"),
                List.of(new AuthPermission(AuthAction.PUBLISH, "cam1")));
        assertThat(u.toString()).doesNotContain("secret").contains("carol", "10.0.0.0/8", "***");
    }
}
