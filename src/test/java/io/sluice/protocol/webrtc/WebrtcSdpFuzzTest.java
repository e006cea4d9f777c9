package io.sluice.protocol.webrtc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.protocol.sdp.SdpException;
import java.nio.charset.StandardCharsets;

/**
 * WebrtcSdpFuzzTest feeds fuzzer text to the WebRTC SDP parser (WHIP/WHEP offers, a forward target's
 * answer) and to the negotiation that answers it. The contract: a value, an {@link SdpException} or a
 * {@link WebrtcNegotiationException}, never another exception.
 */
class WebrtcSdpFuzzTest {

    @FuzzTest
    void offer(byte[] data) {
        WebrtcSession offer;
        try {
            offer = WebrtcSession.parse(new String(data, StandardCharsets.UTF_8));
            offer.ice();
            offer.fingerprint();
            offer.setup();
            offer.candidates();
        } catch (SdpException expected) {
            return;
        }
        try {
            WebrtcNegotiator.answerPublish(offer, WebrtcNegotiatorTest.LOCAL);
        } catch (WebrtcNegotiationException expected) {
            // the documented refusal
        }
        try {
            WebrtcNegotiator.answerRead(offer, WebrtcNegotiatorTest.RTSP_H264_AAC, WebrtcNegotiatorTest.LOCAL);
        } catch (WebrtcNegotiationException expected) {
            // the documented refusal
        }
        try {
            Offer ours = WebrtcNegotiator.offerForward(WebrtcNegotiatorTest.RTSP_H264_AAC,
                    WebrtcNegotiatorTest.LOCAL_OFFERER);
            WebrtcNegotiator.acceptAnswer(ours, offer);
        } catch (WebrtcNegotiationException expected) {
            // the documented refusal
        }
    }
}
