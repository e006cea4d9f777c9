package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The path-name rule: mediamtx's character set and slash rules, plus Sluice's length bound. */
class PathNamesTest {

    @Test
    void everyAllowedCharacterPasses() {
        String all = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./~:";
        PathNames.check(all);
        for (char c : all.toCharArray()) {
            if (c != '/') {
                PathNames.check(String.valueOf(c));
            }
        }
    }

    /** mediamtx forbids neither ".." nor empty segments; neither does Sluice (names are never file paths). */
    @ParameterizedTest
    @ValueSource(strings = {"cam1", "live/cam1", "a/b/c", "a..b", "../x", "a//b", "rtsp:cam", "~user", "x~",
            "a.b-c_d"})
    void namesMediamtxAcceptsPass(String name) {
        assertThat(PathNames.valid(name)).as(name).isTrue();
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("a b", 1, "a space (U+0020)"),
                Arguments.of("bad\u0000", 3, "a control character (U+0000)"),
                Arguments.of("a\tb", 1, "a control character (U+0009)"),
                Arguments.of("a\nb", 1, "a control character (U+000A)"),
                Arguments.of("a\rb", 1, "a control character (U+000D)"),
                Arguments.of("a\u007fb", 1, "a control character (U+007F)"),
                Arguments.of("a%20b", 1, "'%' (U+0025)"),
                Arguments.of("cam?user=x", 3, "'?' (U+003F)"),
                Arguments.of("cam#1", 3, "'#' (U+0023)"),
                Arguments.of("caf\u00e9", 3, "the non-ASCII character '\u00e9' (U+00E9)"),
                Arguments.of("x\ud83d\ude00", 1, "the non-ASCII character"),
                Arguments.of("a\\b", 1, "'\\' (U+005C)"),
                Arguments.of("a+b", 1, "'+' (U+002B)"),
                Arguments.of("a@b", 1, "'@' (U+0040)"),
                Arguments.of("a=b", 1, "'=' (U+003D)"),
                Arguments.of("a,b", 1, "',' (U+002C)"),
                Arguments.of("a\"b", 1, "'\"' (U+0022)"),
                Arguments.of("a<b>", 1, "'<' (U+003C)"),
                Arguments.of("a\u2028b", 1, "(U+2028)"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void aForbiddenCharacterIsNamedWithItsOffset(String name, int offset, String described) {
        PathNameException e = catchThrowableOfType(PathNameException.class, () -> PathNames.check(name));
        assertThat(e).as(name).isNotNull();
        assertThat(e.offset()).isEqualTo(offset);
        assertThat(e.what()).contains(described).endsWith("at offset " + offset);
        assertThat(e.getMessage()).contains("accepted: " + PathNames.RULE);
    }

    @Test
    void messagesNeverCarryRawControlCharacters() {
        PathNameException e = catchThrowableOfType(PathNameException.class,
                () -> PathNames.check("x\r\nFAKE LOG LINE\u001b[31m"));
        assertThat(e.getMessage()).doesNotContain("\r", "\n", "\u001b").contains("\\u000d\\u000aFAKE");
    }

    @Test
    void slashesMayNotBeginOrEnd() {
        assertThatThrownBy(() -> PathNames.check("/cam")).isInstanceOf(PathNameException.class)
                .hasMessageContaining("begins with '/'");
        assertThatThrownBy(() -> PathNames.check("cam/")).isInstanceOf(PathNameException.class)
                .hasMessageContaining("ends with '/'");
        assertThatThrownBy(() -> PathNames.check("/")).isInstanceOf(PathNameException.class);
    }

    @Test
    void emptyAndNullAreRefused() {
        assertThatThrownBy(() -> PathNames.check("")).hasMessageContaining("path name is empty");
        assertThatThrownBy(() -> PathNames.check(null)).isInstanceOf(PathNameException.class);
    }

    @Test
    void lengthIsBounded() {
        PathNames.check("a".repeat(PathNames.MAX_LENGTH));
        PathNameException e = catchThrowableOfType(PathNameException.class,
                () -> PathNames.check("a".repeat(PathNames.MAX_LENGTH + 1)));
        assertThat(e.what()).isEqualTo("is 257 characters long, more than 256");
        assertThat(e.getMessage().length()).isLessThan(200); // the name is not echoed whole
    }
}
