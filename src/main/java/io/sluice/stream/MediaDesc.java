package io.sluice.stream;

import java.util.List;
import java.util.Objects;

/**
 * MediaDesc is one media of a stream (one SDP m= section): its type, the control name it had at the
 * source, and its payload formats. Units of this media carry its index in {@link StreamDesc#medias()}.
 *
 * @param type video, audio or application
 * @param control the source's a=control value (e.g. "streamid=0", "trackID=1"), or "" when absent
 * @param formats the payload formats, at least one
 */
public record MediaDesc(MediaType type, String control, List<Format> formats) {

    public MediaDesc {
        Objects.requireNonNull(type, "type");
        control = control == null ? "" : control;
        formats = List.copyOf(formats);
        if (formats.isEmpty()) {
            throw new IllegalArgumentException("media without formats");
        }
    }

    /** The first (main) format. */
    public Format format() {
        return formats.getFirst();
    }

    /** The format with this payload type, or null. */
    public Format format(int payloadType) {
        for (Format f : formats) {
            if (f.payloadType() == payloadType) {
                return f;
            }
        }
        return null;
    }
}
