package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Frame sizes and durations of MPEG audio headers, against ISO/IEC 11172-3 and 13818-3. */
class MpegAudioHeaderTest {

    static Stream<Arguments> cases() {
        // header, sample rate, samples, frame length, channels
        return Stream.of(
                Arguments.of("what FFmpeg's mp2 encoder wrote: MPEG-1 layer II 64k 44.1k mono", 0xFFFD40C4, 44100, 1152, 208, 1),
                Arguments.of("same with padding", 0xFFFD42C4, 44100, 1152, 209, 1),
                Arguments.of("MPEG-1 layer III 128k 44.1k stereo", 0xFFFB9000, 44100, 1152, 417, 2),
                Arguments.of("MPEG-1 layer I 384k 32k", 0xFFFFC800, 32000, 384, 576, 2),
                Arguments.of("MPEG-2 layer III 64k 22.05k", 0xFFF38000, 22050, 576, 208, 2),
                Arguments.of("MPEG-2 layer II 160k 24k", 0xFFF5E400, 24000, 1152, 960, 2),
                Arguments.of("MPEG-2.5 layer III 8k 8k mono", 0xFFE318C0, 8000, 576, 72, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parses(String name, int header, int rate, int samples, int length, int channels) {
        MpegAudioHeader h = MpegAudioHeader.parse(Unpooled.buffer(4).writeInt(header), 0);
        assertThat(h).isEqualTo(new MpegAudioHeader(rate, samples, length, channels));
    }

    @Test
    void rejectsWhatHasNoFrameLength() {
        assertThatThrownBy(() -> MpegAudioHeader.parse(Unpooled.buffer(4).writeInt(0xFFFD04C4), 0))
                .isInstanceOf(TsFormatException.class).hasMessageContaining("free-format");
        assertThatThrownBy(() -> MpegAudioHeader.parse(Unpooled.buffer(4).writeInt(0xFFFD5CC4), 0))
                .isInstanceOf(TsFormatException.class).hasMessageContaining("reserved value");
        assertThatThrownBy(() -> MpegAudioHeader.parse(Unpooled.buffer(4).writeInt(0x47FD54C4), 0))
                .isInstanceOf(TsFormatException.class).hasMessage("no MPEG audio frame sync: 0x47fd54c4");
    }
}
