package io.sluice.stream;

import java.util.List;

/**
 * StreamDesc is what a publisher announced: the ordered medias of a stream. Immutable; a stream whose
 * description changes is a new stream.
 */
public record StreamDesc(List<MediaDesc> medias) {

    public StreamDesc {
        medias = List.copyOf(medias);
        if (medias.isEmpty()) {
            throw new IllegalArgumentException("stream without medias");
        }
    }

    /** Index of the first video media whose codec has keyframes, or -1. */
    public int keyframeMedia() {
        for (int i = 0; i < medias.size(); i++) {
            if (medias.get(i).format().codec().isVideo()) {
                return i;
            }
        }
        return -1;
    }
}
