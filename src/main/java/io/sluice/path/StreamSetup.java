package io.sluice.path;

import io.sluice.conf.GopCacheConf;
import io.sluice.protocol.rtp.Depacketizer;
import io.sluice.protocol.rtp.KeyframeDetector;
import io.sluice.protocol.rtp.RtpFormatException;
import io.sluice.protocol.rtp.SpsProbe;
import io.sluice.stream.Format;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StreamSetup gives a publisher's stream what its codecs need: keyframe detection and re-framing per media, the
 * GOP cache bounds, and the quality meter's view of the main video. Apart from {@link PublisherHandover}, which
 * decides when a stream starts or is taken over, not how its codecs are read.
 */
final class StreamSetup {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSetup.class);

    private StreamSetup() {
    }

    /** A new stream for {@code desc}, its main video watched (see {@link #watchVideo}). */
    static Stream create(String path, StreamDesc desc, GopCacheConf gopCache) {
        Stream s = new Stream(desc, i -> {
            KeyframeDetector d = KeyframeDetector.forCodec(desc.medias().get(i).format().codec());
            return d == KeyframeDetector.NONE ? null : d::isKeyframePacket;
        }, i -> assembler(path, desc.medias().get(i).format()), gopCache);
        watchVideo(path, s, desc);
        return s;
    }

    /**
     * Gives the stream's quality meter the main video's picture size: announced now, in-band later. Called again
     * when a new publisher takes the stream over, since it may send another picture size.
     */
    static void watchVideo(String path, Stream s, StreamDesc desc) {
        int m = s.keyframeMedia();
        if (m < 0 || m >= desc.medias().size()) {
            return;
        }
        Format f = desc.medias().get(m).format();
        s.quality().watch(SpsProbe.forFormat(f));
        try {
            s.quality().videoParams(SpsProbe.announced(f));
        } catch (RtpFormatException e) {
            LOG.warn("[path {}] announced {} SPS not read, the picture size waits for one in-band: {}", path,
                    f.codec(), e.getMessage());
        }
    }

    /** The depacketizer for a format, or null when its payloads are whole units or its mode is unsupported. */
    private static Depacketizer assembler(String path, Format f) {
        try {
            return Depacketizer.forFormat(f);
        } catch (RtpFormatException e) {
            LOG.warn("[path {}] {} track cannot be re-framed: {}", path, f.codec(), e.getMessage());
            return null;
        }
    }
}
