package io.sluice.stream;

import java.util.Locale;

/**
 * BridgeCompatibility decides whether a new publisher's stream can carry on the stream of one that
 * left, under the same readers and forward targets: they were set up (SDP, FLV sequence headers, MPEG-TS
 * PMT, WebRTC answers) for the old description, so the new one must have the same medias in the same
 * order with the same codecs, clock rates, channels and codec parameters (fmtp: sprop-parameter-sets,
 * AudioSpecificConfig, profile, packetization mode). Only payload types may differ: {@link RtpContinuity}
 * maps them back to the announced ones. Control names (trackID=0 vs streamid=0) do not matter either;
 * readers never see them again after SETUP.
 */
public final class BridgeCompatibility {

    private BridgeCompatibility() {
    }

    /** What differs, e.g. "media 0: H264 → H265", or "" when the new stream can take over. */
    public static String mismatch(StreamDesc was, StreamDesc now) {
        if (was.medias().size() != now.medias().size()) {
            return was.medias().size() + " medias → " + now.medias().size();
        }
        for (int i = 0; i < was.medias().size(); i++) {
            MediaDesc a = was.medias().get(i);
            MediaDesc b = now.medias().get(i);
            if (a.type() != b.type()) {
                return "media " + i + ": " + a.type() + " → " + b.type();
            }
            if (a.formats().size() != b.formats().size()) {
                return "media " + i + ": " + a.formats().size() + " formats → " + b.formats().size();
            }
            for (int f = 0; f < a.formats().size(); f++) {
                String why = mismatch(a.formats().get(f), b.formats().get(f));
                if (!why.isEmpty()) {
                    return "media " + i + ": " + why;
                }
            }
        }
        return "";
    }

    private static String mismatch(Format a, Format b) {
        if (a.codec() != b.codec()
                || !a.encodingName().toLowerCase(Locale.ROOT).equals(b.encodingName().toLowerCase(Locale.ROOT))) {
            return a.encodingName() + " → " + b.encodingName();
        }
        if (a.clockRate() != b.clockRate() || a.channels() != b.channels()) {
            return a.rtpmap() + " → " + b.rtpmap();
        }
        if (!a.fmtpParams().equals(b.fmtpParams())) {
            return a.encodingName() + " parameters '" + a.fmtp() + "' → '" + b.fmtp() + "'";
        }
        return "";
    }
}
