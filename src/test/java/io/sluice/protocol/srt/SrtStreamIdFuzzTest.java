package io.sluice.protocol.srt;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * SrtStreamIdFuzzTest feeds fuzzer text, as a caller's SRT streamid (read during the handshake, before
 * any connection exists), to {@link SrtStreamId#parse}. The contract: a stream id with a path, or a
 * {@link SrtStreamId.BadStreamIdException}, never another exception.
 */
class SrtStreamIdFuzzTest {

    @FuzzTest
    void streamId(byte[] data) {
        try {
            SrtStreamId id = SrtStreamId.parse(new String(data, StandardCharsets.UTF_8));
            assertThat(id.path()).isNotNull();
        } catch (SrtStreamId.BadStreamIdException expected) {
            // the documented refusal (SRT reject 1400 or 1405)
        }
    }
}
