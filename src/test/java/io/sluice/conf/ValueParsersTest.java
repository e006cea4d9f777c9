package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations and Addresses: the scalar forms of the config. */
class ValueParsersTest {

    @ParameterizedTest
    @CsvSource({"10s,PT10S", "500ms,PT0.5S", "1m,PT1M", "2h,PT2H", "1d,PT24H", "1h30m,PT1H30M", "15,PT15S",
        "0,PT0S", "1m500ms,PT1M0.5S", "' 3s ',PT3S"})
    void parsesDurations(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
        assertThat(Durations.parse(Durations.format(expected))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "-1s", "1.5s", "10 s", "1h30", "10sec", "1w", "ms"})
    void rejectsBadDurations(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid duration '" + text.strip() + "'")
                .hasMessageContaining("accepted: integer seconds or");
    }

    @ParameterizedTest
    @CsvSource({"':8554',0.0.0.0,8554", "'127.0.0.1:0',127.0.0.1,0", "'[::1]:8554',::1,8554",
        "'0.0.0.0:65535',0.0.0.0,65535"})
    void parsesAddresses(String text, String host, int port) {
        InetSocketAddress a = Addresses.parse(text);
        assertThat(a.getAddress()).isEqualTo(InetAddress.ofLiteral(host));
        assertThat(a.getPort()).isEqualTo(port);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "8554", ":65536", ":-1", "::1:8554", "[zz]:1", "a b:1", "h:"})
    void rejectsBadAddresses(String text) {
        assertThatThrownBy(() -> Addresses.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("accepted: [host]:port");
    }
}
