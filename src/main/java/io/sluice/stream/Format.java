package io.sluice.stream;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Format is one RTP payload format of a media: payload type, codec, clock rate and the codec
 * parameters exactly as the source announced them (the SDP {@code a=fmtp} value), so that an RTP
 * passthrough target receives the same parameters the publisher sent.
 *
 * @param payloadType RTP payload type (0..127)
 * @param codec the recognised codec, {@link Codec#OTHER} when unknown
 * @param encodingName the rtpmap encoding name as announced (e.g. "H264", "mpeg4-generic")
 * @param clockRate RTP clock rate in Hz
 * @param channels audio channel count, 0 when not given
 * @param fmtp the raw fmtp parameter string without the payload type, "" when absent
 */
public record Format(int payloadType, Codec codec, String encodingName, int clockRate, int channels, String fmtp) {

    public Format {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("invalid RTP payload type " + payloadType);
        }
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(encodingName, "encodingName");
        fmtp = fmtp == null ? "" : fmtp.trim();
    }

    /**
     * The fmtp parameters as an ordered, case-preserving map whose lookups should use lower-case keys
     * via {@link #fmtpParam(String)}; values keep their case (sprop-parameter-sets are base64).
     */
    public Map<String, String> fmtpParams() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : fmtp.split(";")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0) {
                m.put(p.toLowerCase(Locale.ROOT), "");
            } else {
                m.put(p.substring(0, eq).trim().toLowerCase(Locale.ROOT), p.substring(eq + 1).trim());
            }
        }
        return m;
    }

    /** One fmtp parameter by case-insensitive name, or null. */
    public String fmtpParam(String name) {
        return fmtpParams().get(name.toLowerCase(Locale.ROOT));
    }

    /** The SDP rtpmap value, e.g. "H264/90000" or "opus/48000/2". */
    public String rtpmap() {
        return encodingName + "/" + clockRate + (channels > 0 ? "/" + channels : "");
    }
}
