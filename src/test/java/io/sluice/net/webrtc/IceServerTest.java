package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IceServerTest {
    @Test
    void parsesTheConfigForms() {
        assertThat(IceServer.parse("stun:stun.example.com")).isEqualTo(
                new IceServer("stun", "stun.example.com", 3478, "udp", "", ""));
        assertThat(IceServer.parse("stun:1.2.3.4:19302").port()).isEqualTo(19302);
        assertThat(IceServer.parse("turn:alice:s3cr:et@turn.example.com:3479?transport=tcp")).isEqualTo(
                new IceServer("turn", "turn.example.com", 3479, "tcp", "alice", "s3cr:et"));
        assertThat(IceServer.parse("turns:u:p@[2001:db8::1]")).isEqualTo(
                new IceServer("turns", "2001:db8::1", 5349, "tcp", "u", "p"));
        assertThat(IceServer.parse("TURN:u:p@h").scheme()).isEqualTo("turn");
    }

    @ParameterizedTest
    @ValueSource(strings = {"turn:bob:hunter2@", "turn:bob:hunter2@host:99999", "turn:bob:hunter2@host?transport=sctp",
        "http:bob:hunter2@host", "turn:host"})
    void errorsNameTheValueButNeverThePassword(String bad) {
        assertThatThrownBy(() -> IceServer.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"))
                .hasMessageContaining(bad.contains("hunter2") ? "bob:***@" : bad);
    }

    @Test
    void parsesWhipLinkHeaders() {
        String header = "<https://example.com/whip>; rel=\"next\", "
                + "<stun:stun.example.net>; rel=\"ice-server\", "
                + "<turn:turn.example.net:3478?transport=udp>; rel=\"ice-server\"; username=\"u\\\"1\"; "
                + "credential=\"p,w\"; credential-type=\"password\", "
                + "<turn:no-credentials.example.net>; rel=\"ice-server\"";
        List<IceServer> servers = IceServer.parseLinkHeader(header);
        assertThat(servers).containsExactly(
                new IceServer("stun", "stun.example.net", 3478, "udp", "", ""),
                new IceServer("turn", "turn.example.net", 3478, "udp", "u\"1", "p,w"));
        assertThat(IceServer.parseLinkHeader(null)).isEmpty();
    }

    @Test
    void linkHeaderRoundTrips() {
        IceServer s = IceServer.parse("turn:u:p\"q@turn.example.net:3478?transport=udp");
        assertThat(s.linkHeader()).isEqualTo("<turn:turn.example.net:3478?transport=udp>; rel=\"ice-server\";"
                + " username=\"u\"; credential=\"p\\\"q\"; credential-type=\"password\"");
        assertThat(IceServer.parseLinkHeader(s.linkHeader())).containsExactly(s);
        assertThat(IceServer.parse("stun:h").linkHeader()).isEqualTo("<stun:h:3478>; rel=\"ice-server\"");
        assertThat(s.toString()).doesNotContain("p\"q");
    }
}
