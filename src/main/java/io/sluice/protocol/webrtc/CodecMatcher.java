package io.sluice.protocol.webrtc;

import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * CodecMatcher decides which codecs WebRTC can carry and which offered payload format can receive a
 * stream's format unchanged: Sluice forwards RTP as received, so the codec and its parameters must
 * be compatible, never merely similar.
 */
final class CodecMatcher {

    private CodecMatcher() {
    }

    /** True for the codecs browsers and WHIP/WHEP peers negotiate (RFC 7742, RFC 7874, AV1/H265 drafts). */
    static boolean webrtcCarries(Codec c) {
        return switch (c) {
            case H264, H265, AV1, VP8, VP9, OPUS, G711_PCMU, G711_PCMA, G722 -> true;
            case MPEG4_AUDIO, MPEG4_AUDIO_LATM, MPEG1_AUDIO, MPEG4_VIDEO, OTHER -> false;
        };
    }

    /** The media type a WebRTC m= section for this codec has. */
    static MediaType mediaType(Codec c) {
        return c.isVideo() ? MediaType.VIDEO : MediaType.AUDIO;
    }

    /** The RTP clock rate WebRTC uses for the codec (opus is always 48000, RFC 7587 §4.1). */
    static int clockRate(Codec c) {
        return switch (c) {
            case OPUS -> 48000;
            case G711_PCMU, G711_PCMA, G722 -> 8000;
            case H264, H265, AV1, VP8, VP9, MPEG4_VIDEO -> 90000;
            case MPEG4_AUDIO, MPEG4_AUDIO_LATM, MPEG1_AUDIO, OTHER -> -1;
        };
    }

    /** A name for messages: "H264", "AAC", "opus", or the encoding name of an unknown codec. */
    static String label(Format f) {
        return switch (f.codec()) {
            case MPEG4_AUDIO -> "AAC";
            case MPEG4_AUDIO_LATM -> "AAC (LATM)";
            case MPEG1_AUDIO -> "MPEG-1 audio";
            case MPEG4_VIDEO -> "MPEG-4 video";
            case OPUS -> "opus";
            case G711_PCMU -> "PCMU";
            case G711_PCMA -> "PCMA";
            case H264, H265, AV1, VP8, VP9, G722 -> f.codec().name();
            case OTHER -> f.encodingName();
        };
    }

    /** Why a stream format cannot go into WebRTC at all, e.g. "AAC cannot be carried by WebRTC". */
    static String notCarriedReason(Format f) {
        return label(f) + " cannot be carried by WebRTC";
    }

    /** "H264 profile 4d001f", "VP9 profile-id 2", "opus/48000/2": what a reader's codec must match. */
    static String describe(Format f) {
        return switch (f.codec()) {
            case H264 -> {
                H264ProfileLevel pl = H264ProfileLevel.of(f);
                yield pl == null ? "H264" : "H264 profile " + pl.hex();
            }
            case VP9 -> "VP9 profile-id " + orZero(f.fmtpParam("profile-id"));
            case AV1 -> "AV1 profile " + orZero(f.fmtpParam("profile"));
            case H265, VP8, OPUS, G711_PCMU, G711_PCMA, G722, MPEG4_AUDIO, MPEG4_AUDIO_LATM, MPEG1_AUDIO,
                    MPEG4_VIDEO, OTHER -> f.rtpmap();
        };
    }

    /**
     * The offered payload format that best receives {@code stream}, or null. H264: offered
     * packetization-mode 1 first (mode 0 only for a mode-0 stream, since FU-A/STAP-A packets would
     * break a mode-0 receiver); then exact profile and level, exact profile, a profile whose decoders
     * must decode the stream's; then offer order.
     */
    static RtpCodec best(Format stream, List<RtpCodec> offered) {
        List<RtpCodec> ok = new ArrayList<>();
        for (RtpCodec c : offered) {
            if (compatible(stream, c)) {
                ok.add(c);
            }
        }
        if (ok.isEmpty()) {
            return null;
        }
        if (stream.codec() != Codec.H264) {
            return ok.getFirst();
        }
        H264ProfileLevel want = H264ProfileLevel.of(stream);
        // stable sort: ties keep the offer order
        ok.sort(Comparator.comparingInt((RtpCodec c) -> packetizationMode(c.fmtpParam("packetization-mode")) == 1 ? 0 : 1)
                .thenComparingInt(c -> h264Rank(want, H264ProfileLevel.parse(c.fmtpParam("profile-level-id")))));
        return ok.getFirst();
    }

    private static int h264Rank(H264ProfileLevel want, H264ProfileLevel offered) {
        if (want == null || offered == null) {
            return 3;
        }
        if (want.sameProfile(offered)) {
            return want.levelIdc() == offered.levelIdc() ? 0 : 1;
        }
        return 2;
    }

    static boolean compatible(Format stream, RtpCodec offered) {
        if (stream.codec() != offered.codec() || !webrtcCarries(stream.codec())
                || offered.clockRate() != clockRate(stream.codec())) {
            return false;
        }
        return switch (stream.codec()) {
            case H264 -> h264Compatible(stream, offered);
            case VP9 -> orZero(stream.fmtpParam("profile-id")).equals(orZero(offered.fmtpParam("profile-id")));
            case AV1 -> orZero(stream.fmtpParam("profile")).equals(orZero(offered.fmtpParam("profile")));
            // level-id and tier are not checked: browsers decode what their H265 decoder supports anyway
            case H265, VP8, OPUS, G711_PCMU, G711_PCMA, G722 -> true;
            case MPEG4_AUDIO, MPEG4_AUDIO_LATM, MPEG1_AUDIO, MPEG4_VIDEO, OTHER -> false;
        };
    }

    private static boolean h264Compatible(Format stream, RtpCodec offered) {
        int offeredMode = packetizationMode(offered.fmtpParam("packetization-mode"));
        int streamMode = packetizationMode(stream.fmtpParam("packetization-mode"));
        if (offeredMode != 1 && !(offeredMode == 0 && streamMode == 0)) {
            return false;
        }
        H264ProfileLevel want = H264ProfileLevel.of(stream);
        if (want == null) {
            return true; // nothing says otherwise: the receiver's decoder decides
        }
        H264ProfileLevel got = H264ProfileLevel.parse(offered.fmtpParam("profile-level-id"));
        if (got == null) {
            got = new H264ProfileLevel(0x42, 0x00, 0x0a); // RFC 6184 §8.1 default: Baseline level 1
        }
        if (!want.decodableBy(got)) {
            return false;
        }
        // Sluice's answer echoes the offered fmtp, so level-asymmetry-allowed=1 in the offer holds
        // for both sides (RFC 6184 §8.2.2): the receiver then takes any level.
        return "1".equals(offered.fmtpParam("level-asymmetry-allowed")) || got.levelRank() >= want.levelRank();
    }

    /** packetization-mode as a number, 0 when absent (RFC 6184 §8.1), -1 when not a number. */
    static int packetizationMode(String v) {
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String orZero(String v) {
        return v == null || v.isBlank() ? "0" : v.trim();
    }
}
