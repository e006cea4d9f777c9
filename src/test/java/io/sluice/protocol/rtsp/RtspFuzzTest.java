package io.sluice.protocol.rtsp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * RtspFuzzTest feeds fuzzer bytes to every RTSP parser that reads the network: the TCP stream decoder
 * (requests, responses, interleaved frames) and the header parsers a server or a forwarder then applies
 * (Transport, Session, Authorization, WWW-Authenticate, URLs). The contract: a value or an
 * {@link RtspProtocolException}, never another exception, and no interleaved frame left unreleased.
 *
 * <p>Without {@code JAZZER_FUZZ} each method runs once per seed in {@code RtspFuzzTestInputs/<method>/}.
 */
class RtspFuzzTest {

    @FuzzTest
    void stream(byte[] data) {
        ByteBuf in = Unpooled.wrappedBuffer(data);
        try {
            for (RtspMessage m : RtspDecoder.decodeAll(in)) {
                switch (m) {
                    case RtspRequest r -> requestHeaders(r);
                    case RtspResponse r -> responseHeaders(r);
                    case InterleavedFrame f -> {
                        assertThat(f.payload().readableBytes()).isLessThanOrEqualTo(RtspDecoder.MAX_INTERLEAVED_BYTES);
                        f.release();
                    }
                }
            }
        } catch (RtspProtocolException expected) {
            // the documented failure
        }
        assertThat(in.refCnt()).as("input buffer refCnt: a frame slice was not released").isEqualTo(1);
        in.release();
    }

    @FuzzTest
    void headers(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        tolerate(() -> RtspTransportHeader.parseAll(s).forEach(t -> RtspTransportHeader.parseAll(t.format())));
        tolerate(() -> RtspSessionHeader.parse(s).format());
        tolerate(() -> RtspUrl.parse(s).withoutCredentials());
        RtspUrl.redact(s);
        RtspUrl.mediaIndexFromSetupUri(s, "/live/x", List.of("trackID=0", "", "*", "rtsp://h/live/x/trackID=1"));
        // CR/LF cannot reach a header value through the decoder; add() rejects them as a caller's bug
        RtspHeaders h = new RtspHeaders().add(RtspHeaders.AUTHORIZATION, s.replace('\r', ' ').replace('\n', ' '));
        RtspRequest req = new RtspRequest("DESCRIBE", "rtsp://h/x", h);
        RtspAuth.presented(req);
        RtspAuth.verify(req, "user", "pass", "nonce");
        tolerate(() -> RtspAuth.authorization(List.of(s), "user", "pass", "DESCRIBE", "rtsp://h/x", "cnonce"));
    }

    private static void requestHeaders(RtspRequest r) {
        RtspHeaders h = r.headers();
        tolerate(h::cseq);
        for (String t : h.getAll(RtspHeaders.TRANSPORT)) {
            tolerate(() -> RtspTransportHeader.parseAll(t));
        }
        String session = h.get(RtspHeaders.SESSION);
        if (session != null) {
            tolerate(() -> RtspSessionHeader.parse(session));
        }
        RtspAuth.presented(r);
        RtspAuth.verify(r, "user", "pass", "nonce");
        tolerate(() -> RtspUrl.parse(r.uri()));
        r.bodyText();
    }

    private static void responseHeaders(RtspResponse r) {
        RtspHeaders h = r.headers();
        tolerate(h::cseq);
        List<String> auth = h.getAll(RtspHeaders.WWW_AUTHENTICATE);
        if (!auth.isEmpty()) {
            tolerate(() -> RtspAuth.authorization(auth, "user", "pass", "ANNOUNCE", "rtsp://h/x", "cnonce"));
        }
        for (String t : h.getAll(RtspHeaders.TRANSPORT)) {
            tolerate(() -> RtspTransportHeader.parseAll(t));
        }
        String session = h.get(RtspHeaders.SESSION);
        if (session != null) {
            tolerate(() -> RtspSessionHeader.parse(session));
        }
        r.bodyText();
    }

    /** Runs a parse whose only allowed failure is {@link RtspProtocolException}. */
    private static void tolerate(Runnable parse) {
        try {
            parse.run();
        } catch (RtspProtocolException expected) {
            // the documented failure
        }
    }
}
