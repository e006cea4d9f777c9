package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A relay-only WHIP client (iceTransportPolicy relay) without a TURN server it can use fails at once with a
 * message that says what to configure, instead of offering no candidate and timing out in ICE.
 * (Relayed media through a real TURN server: TurnIT.whipTargetRelayOnlyDeliversThroughTurn.)
 */
class RelayOnlyClientTest {

    @Test
    void relayOnlyWithoutTurnServerFailsNamingWhatIsMissing() {
        RecordingListener l = new RecordingListener();
        assertThatThrownBy(() -> WebrtcTransport.forClient(DtlsCertificate.generate(), List.of(), "127.0.0.1", true, l))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("iceTransportPolicy relay needs a TURN server");
        List<IceServer> stunAndTcpTurn = List.of(IceServer.parse("stun:127.0.0.1:3478"),
                IceServer.parse("turn:u:p@127.0.0.1:3478?transport=tcp"));
        assertThatThrownBy(() -> WebrtcTransport.forClient(DtlsCertificate.generate(), stunAndTcpTurn, "127.0.0.1", true,
                l)).isInstanceOf(UncheckedIOException.class).hasMessageContaining("over UDP")
                .hasMessageNotContaining(":p@");
    }
}
