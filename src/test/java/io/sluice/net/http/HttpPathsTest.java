package io.sluice.net.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpPathsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "live/cam1|live/cam1",
        "~%5Ecam%5Cd+$|~^cam\\d+$",
        "a%2Fb|a/b",
        "%C3%A9t%C3%A9|été",
        "100%25|100%",
        "a%20b|a b"})
    void decodes(String raw, String decoded) {
        assertThat(HttpPaths.decode(raw)).isEqualTo(decoded);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "abc%|'%' at offset 3",
        "ab%4|'%4' at offset 2",
        "%G1x|'%G1' at offset 0",
        "%C3(|not UTF-8"})
    void refusesBadEscapesNamingThem(String raw, String message) {
        assertThatThrownBy(() -> HttpPaths.decode(raw)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message).hasMessageContaining(raw);
    }
}
