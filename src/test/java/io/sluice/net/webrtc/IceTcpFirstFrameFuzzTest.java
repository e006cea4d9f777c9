package io.sluice.net.webrtc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * IceTcpFirstFrameFuzzTest feeds fuzzer bytes, as a stranger on the ICE-TCP port would send them, to the
 * RFC 4571 deframer and the first-STUN demux. The contract: a ufrag, an {@link IceTcpException} or an
 * {@link EOFException} (the bytes ran out), never another exception, and never a frame over the cap.
 */
class IceTcpFirstFrameFuzzTest {

    @FuzzTest
    void firstFrame(byte[] data) throws IOException {
        byte[] frame;
        try {
            frame = IceTcpFirstFrame.read(new ByteArrayInputStream(data));
        } catch (IceTcpException | EOFException expected) {
            return;
        }
        if (frame.length > IceTcpFirstFrame.MAX_LENGTH) {
            throw new AssertionError("frame of " + frame.length + " bytes passed the cap");
        }
        try {
            String ufrag = IceTcpFirstFrame.localUfrag(frame);
            if (ufrag.isEmpty() || ufrag.contains(":")) {
                throw new AssertionError("ufrag '" + ufrag + "' from " + frame.length + " bytes");
            }
        } catch (IceTcpException expected) {
            // the documented refusal
        }
    }
}
