package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import org.ice4j.attribute.AttributeFactory;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.junit.jupiter.api.Test;

/**
 * How a selected pair is named (the API's iceTransport), and which TURN request TurnHarvester takes for an
 * allocation's release. The ends come from real sessions in WebrtcLoopbackTest (udp), WebrtcIceTcpIT (tcp)
 * and TurnIT (relay).
 */
class IcePairTest {

    @Test
    void aRelayedEndOnEitherSideMakesTheTransportRelay() {
        assertThat(IcePair.transport(true, false, false)).isEqualTo("relay");
        assertThat(IcePair.transport(false, true, false)).isEqualTo("relay");
        // a TURN allocation over TCP to the server still relays: relay wins over tcp
        assertThat(IcePair.transport(true, false, true)).isEqualTo("relay");
        assertThat(IcePair.transport(false, false, true)).isEqualTo("tcp");
        assertThat(IcePair.transport(false, false, false)).isEqualTo("udp");
    }

    @Test
    void printsAsTheConnectLogLine() {
        assertThat(new IcePair("udp", "127.0.0.1:8189", "[::1]:50000")).hasToString(
                "127.0.0.1:8189 <-> [::1]:50000 udp");
    }

    @Test
    void onlyARefreshWithLifetimeZeroIsARelease() throws Exception {
        assertThat(TurnHarvester.isRelease(MessageFactory.createRefreshRequest(0))).isTrue();
        assertThat(TurnHarvester.isRelease(MessageFactory.createRefreshRequest(600))).isFalse();
        assertThat(TurnHarvester.isRelease(MessageFactory.createRefreshRequest())).as("keep-alive, no LIFETIME")
                .isFalse();
        assertThat(TurnHarvester.isRelease(MessageFactory.createAllocateRequest((byte) 17, false))).isFalse();
        Request zeroLifetimeAllocate = MessageFactory.createAllocateRequest((byte) 17, false);
        zeroLifetimeAllocate.putAttribute(AttributeFactory.createLifetimeAttribute(0));
        assertThat(TurnHarvester.isRelease(zeroLifetimeAllocate)).isFalse();
    }
}
