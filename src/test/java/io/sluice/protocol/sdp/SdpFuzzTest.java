package io.sluice.protocol.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.stream.StreamDesc;
import java.nio.charset.StandardCharsets;

/**
 * SdpFuzzTest feeds fuzzer text to the RTSP SDP parser (ANNOUNCE bodies, DESCRIBE answers) and to the
 * mapper that turns it into a stream. The contract: a value or an {@link SdpException}, never another
 * exception; a parsed description formats to text that parses again.
 */
class SdpFuzzTest {

    @FuzzTest
    void announce(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        SessionDescription sdp;
        try {
            sdp = SessionDescription.parse(text);
        } catch (SdpException expected) {
            return;
        }
        sdp.control();
        for (MediaDescription m : sdp.medias()) {
            m.payloadTypes();
            m.control();
        }
        try {
            assertThat(SessionDescription.parse(sdp.format()).medias()).hasSameSizeAs(sdp.medias());
        } catch (SdpException e) {
            throw new AssertionError("formatted SDP does not parse again: " + e.getMessage(), e);
        }
        try {
            StreamDesc stream = SdpStreamMapper.toStream(sdp);
            assertThat(stream.medias()).isNotEmpty();
        } catch (SdpException expected) {
            // the documented failure: no usable media
        }
    }
}
