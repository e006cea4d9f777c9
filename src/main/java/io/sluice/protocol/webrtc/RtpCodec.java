package io.sluice.protocol.webrtc;

import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * RtpCodec is one payload format offered or answered in a WebRTC m= section: its {@code a=rtpmap},
 * {@code a=fmtp} and {@code a=rtcp-fb} lines and the RTX payload type (RFC 4588) bound to it by
 * {@code apt=}.
 *
 * @param name the encoding name as written ("opus", "OPUS", "H264")
 * @param channels the rtpmap channel count, 0 when absent
 * @param fmtp the fmtp parameters without the payload type, "" when absent
 * @param rtcpFb the rtcp-fb values for this payload type (and "*"), whitespace-normalised, e.g. "nack pli"
 * @param rtxPayloadType the RTX payload type whose apt= names this one, -1 if none
 */
public record RtpCodec(int payloadType, String name, int clockRate, int channels, String fmtp, List<String> rtcpFb,
        int rtxPayloadType) {

    public RtpCodec {
        Objects.requireNonNull(name, "name");
        fmtp = fmtp == null ? "" : fmtp.trim();
        rtcpFb = List.copyOf(rtcpFb);
    }

    /** The Sluice codec this encoding name stands for, {@link Codec#OTHER} when Sluice does not know it. */
    public Codec codec() {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "H264" -> Codec.H264;
            case "H265" -> Codec.H265;
            case "AV1" -> Codec.AV1;
            case "VP8" -> Codec.VP8;
            case "VP9" -> Codec.VP9;
            case "OPUS" -> Codec.OPUS;
            case "PCMU" -> Codec.G711_PCMU;
            case "PCMA" -> Codec.G711_PCMA;
            case "G722" -> Codec.G722;
            default -> Codec.OTHER;
        };
    }

    /** The stream format a publisher using this payload format produces (same PT, name, clock, fmtp). */
    public Format toFormat() {
        return new Format(payloadType, codec(), name, clockRate, channels, fmtp);
    }

    /** True when {@code fb} (e.g. "nack", "nack pli", "ccm fir") is among the rtcp-fb values, exactly. */
    public boolean hasFeedback(String fb) {
        String want = normalizeFeedback(fb);
        for (String f : rtcpFb) {
            if (f.equals(want)) {
                return true;
            }
        }
        return false;
    }

    /** The fmtp parameter by case-insensitive name, or null. */
    String fmtpParam(String param) {
        return toFormat().fmtpParam(param);
    }

    /** "H264/90000" or "opus/48000/2", as in the rtpmap. */
    String rtpmap() {
        return name + "/" + clockRate + (channels > 0 ? "/" + channels : "");
    }

    /** This payload format with other feedback and RTX payload type, for an answer. */
    RtpCodec with(List<String> feedback, int rtxPt) {
        return new RtpCodec(payloadType, name, clockRate, channels, fmtp, feedback, rtxPt);
    }

    /** Feedback values compare in lower case with single spaces: peers write "nack  pli" or "NACK". */
    static String normalizeFeedback(String fb) {
        return fb.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
