package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The first frame of an ICE-TCP connection: RFC 4571 deframing and the STUN USERNAME's server ufrag. */
class IceTcpFirstFrameTest {
    private static final byte[] REQUEST = WebrtcTcpMuxTest.StunRequest.binding("srv1:cli1", "pwd-0123456789abcdef",
            new byte[12]);

    @Test
    void readsTheServerUfragOfABindingRequest() throws IOException {
        byte[] m = IceTcpFirstFrame.read(new ByteArrayInputStream(WebrtcTcpMuxTest.frame(REQUEST)));
        assertThat(m).isEqualTo(REQUEST);
        assertThat(IceTcpFirstFrame.localUfrag(m)).isEqualTo("srv1");
    }

    @Test
    void readsAFrameThatArrivesOneByteAtATime() throws IOException {
        byte[] f = WebrtcTcpMuxTest.frame(REQUEST);
        InputStream trickle = new InputStream() {
            private int i;

            @Override
            public int read() {
                return i < f.length ? f[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i >= f.length) {
                    return -1;
                }
                b[off] = f[i++];
                return 1;
            }
        };
        assertThat(IceTcpFirstFrame.read(trickle)).isEqualTo(REQUEST);
    }

    @Test
    void refusesOversizeEmptyAndCutFrames() {
        assertThatThrownBy(() -> IceTcpFirstFrame.read(new ByteArrayInputStream(new byte[] {(byte) 0xff, (byte) 0xff})))
                .isInstanceOf(IceTcpException.class).hasMessageContaining("65535 bytes");
        assertThatThrownBy(() -> IceTcpFirstFrame.read(new ByteArrayInputStream(new byte[] {0, 0})))
                .isInstanceOf(IceTcpException.class).hasMessageContaining("of 0 bytes");
        byte[] cut = Arrays.copyOf(WebrtcTcpMuxTest.frame(REQUEST), 30);
        assertThatThrownBy(() -> IceTcpFirstFrame.read(new ByteArrayInputStream(cut)))
                .isInstanceOf(EOFException.class).hasMessageContaining("28 of the first frame's");
    }

    @Test
    void refusesWhatIsNotABindingRequestWithUsername() {
        byte[] response = REQUEST.clone();
        response[0] = 0x01; // 0x0101: a success response
        assertThatThrownBy(() -> IceTcpFirstFrame.localUfrag(response)).isInstanceOf(IceTcpException.class)
                .hasMessageContaining("type 0x0101");
        byte[] noUser = Arrays.copyOf(REQUEST, 20);
        noUser[2] = 0;
        noUser[3] = 0; // a bare header
        assertThatThrownBy(() -> IceTcpFirstFrame.localUfrag(noUser)).isInstanceOf(IceTcpException.class)
                .hasMessageContaining("without USERNAME");
        byte[] noColon = WebrtcTcpMuxTest.StunRequest.binding("justone", "pwd-0123456789abcdef", new byte[12]);
        assertThatThrownBy(() -> IceTcpFirstFrame.localUfrag(noColon)).isInstanceOf(IceTcpException.class)
                .hasMessageContaining("'justone' is not ufrag:ufrag");
        byte[] overrun = REQUEST.clone();
        overrun[22] = 0x7f; // USERNAME length past the end
        assertThatThrownBy(() -> IceTcpFirstFrame.localUfrag(overrun)).isInstanceOf(IceTcpException.class)
                .hasMessageContaining("runs past");
    }

    /** The fuzz target's committed seeds still parse (a Binding request of the kind browsers send). */
    @Test
    void fuzzSeedIsAValidFirstFrame() throws IOException {
        Path seed = Path.of("src/test/resources/io/sluice/net/webrtc/IceTcpFirstFrameFuzzTestInputs/firstFrame/"
                + "seed-binding-request.bin");
        byte[] m = IceTcpFirstFrame.read(new ByteArrayInputStream(Files.readAllBytes(seed)));
        assertThat(IceTcpFirstFrame.localUfrag(m)).isEqualTo("srv1");
    }
}
