package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RtspDestConfTest {

    private static RtspDestConf rtsp(String rtspConfig) throws ConfException {
        return ConfLoader.parse("""
                paths:
                  p:
                    forwardTargets:
                      - url: rtsp://example.com/x
                        rtspConfig: %s
                """.formatted(rtspConfig), "t.yml").pathFor("p").forwardTargets().getFirst().rtspConfig();
    }

    @Test
    void receiverReportTimeoutDefaultsTo15s() throws Exception {
        assertThat(rtsp("{transport: udp}").udpReceiverReportTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(RtspDestConf.DEFAULT.udpReceiverReportTimeout()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void receiverReportTimeoutIsADurationAndZeroTurnsTheCheckOff() throws Exception {
        assertThat(rtsp("{udpReceiverReportTimeout: 4s}").udpReceiverReportTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(rtsp("{udpReceiverReportTimeout: 0}").udpReceiverReportTimeout()).isZero();
    }

    @Test
    void badReceiverReportTimeoutNamesTheKey() {
        assertThatThrownBy(() -> rtsp("{udpReceiverReportTimeout: soon}")).isInstanceOfSatisfying(ConfException.class,
                e -> assertThat(e.getMessage() + e.problems()).contains("udpReceiverReportTimeout", "soon"));
    }
}
