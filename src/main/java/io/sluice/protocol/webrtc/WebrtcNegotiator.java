package io.sluice.protocol.webrtc;

import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * WebrtcNegotiator is the offer/answer logic of Sluice's four WebRTC roles: WHIP ingest
 * ({@link #answerPublish}), WHEP reading ({@link #answerRead}), WHIP forwarding
 * ({@link #offerForward} then {@link #acceptAnswer}) and WHEP pulling ({@link #offerPull} then
 * {@link #acceptPull}). Media is forwarded as RTP (SFU), never
 * transcoded, so every negotiated payload format is the stream's codec with compatible parameters.
 *
 * <p>All SDP it writes uses one BUNDLE transport with rtcp-mux, full ICE with trickle and DTLS-SRTP
 * (RFC 8829, RFC 8843); the WHIP/WHEP HTTP exchange itself is RFC 9725.
 */
public final class WebrtcNegotiator {

    private WebrtcNegotiator() {
    }

    /**
     * Answers a WHIP publisher: per offered sendonly/sendrecv section, the first offered codec Sluice
     * forwards (H264 with packetization-mode 1 preferred over mode 0, H265, VP8, VP9, AV1, opus,
     * PCMU, PCMA, G722), received recvonly; other sections are rejected (port 0) in place.
     *
     * @throws WebrtcNegotiationException NO_COMMON_CODEC naming the offered codecs, or NO_MEDIA when
     *     nothing is sent
     */
    public static Ingest answerPublish(WebrtcSession offer, LocalEndpoint local) throws WebrtcNegotiationException {
        return PublishAnswerer.answer(offer, local, ThreadLocalRandom.current());
    }

    /**
     * Answers a WHEP reader: each stream media goes sendonly into the first unused offered receiving
     * section of its type that has a compatible payload format (the offer's PT is kept); unusable
     * stream medias are listed in {@link Egress#skipped()}, unused offered sections rejected.
     *
     * @throws WebrtcNegotiationException NO_COMMON_CODEC naming the stream's and the offered codecs,
     *     or NO_MEDIA when the offer receives nothing
     */
    public static Egress answerRead(WebrtcSession offer, StreamDesc stream, LocalEndpoint local)
            throws WebrtcNegotiationException {
        return ReadAnswerer.answer(offer, stream, local, ThreadLocalRandom.current());
    }

    /** Offers a stream to a WHIP server: one sendonly section per medium WebRTC can carry, mids "0", "1", .... */
    public static Offer offerForward(StreamDesc stream, LocalEndpoint local) {
        return ForwardOfferer.offer(stream, local, ThreadLocalRandom.current());
    }

    /**
     * Reads a WHIP server's answer to {@link #offerForward}: rejected sections move to skipped, the
     * feedback is the answer's.
     *
     * @throws WebrtcNegotiationException BAD_SDP when the answer breaks offer/answer rules (missing
     *     or reordered mids, a payload type that was not offered), NO_COMMON_CODEC when all is rejected
     */
    public static Egress acceptAnswer(Offer offer, WebrtcSession answer) throws WebrtcNegotiationException {
        return ForwardOfferer.accept(offer, answer);
    }

    /**
     * Offers to read a remote's stream (a WHEP pull source): a recvonly video and a recvonly audio section,
     * mids "0" and "1", each with every payload format Sluice carries.
     */
    public static PullOffer offerPull(LocalEndpoint local) {
        return PullOfferer.offer(local, ThreadLocalRandom.current());
    }

    /**
     * Reads a WHEP server's answer to {@link #offerPull}: per section the remote sends in, the payload format
     * it answered first becomes a media of the stream.
     *
     * @throws WebrtcNegotiationException BAD_SDP when the answer breaks offer/answer rules (missing or
     *     reordered mids, a payload type that was not offered), NO_MEDIA when the remote sends nothing
     */
    public static PullIngest acceptPull(PullOffer offer, WebrtcSession answer) throws WebrtcNegotiationException {
        return PullOfferer.accept(offer, answer);
    }

    /** "mid 0 video recvonly, mid 1 audio rejected": the sections of a session, for messages. */
    static String summary(WebrtcSession s) {
        List<String> out = new ArrayList<>();
        for (WebrtcMedia m : s.medias()) {
            out.add("mid " + m.mid() + " " + m.type().sdpName() + " "
                    + (m.rejected() ? "rejected" : m.direction().sdp()));
        }
        return String.join(", ", out);
    }
}
