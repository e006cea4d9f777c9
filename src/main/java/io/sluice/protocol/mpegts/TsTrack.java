package io.sluice.protocol.mpegts;

import io.sluice.stream.AccessUnit;
import io.sluice.stream.Format;
import io.sluice.stream.MediaType;
import java.util.List;
import java.util.function.Consumer;

/**
 * TsTrack turns the PES packets of one elementary stream into access units with RTP timestamps, and
 * learns the codec configuration the stream's RTP format needs from the first of them.
 *
 * <p>Not thread-safe: the thread that feeds {@link TsToStream}.
 */
abstract sealed class TsTrack permits TsVideoTrack, TsFramedAudioTrack, TsOpusTrack {

    static final long TIMESTAMP_MASK = 0xffffffffL;

    final TsElementaryStream stream;
    final Consumer<String> problems;

    TsTrack(TsElementaryStream stream, Consumer<String> problems) {
        this.stream = stream;
        this.problems = problems;
    }

    /** The track of a stream, or null for a codec that has no RTP mapping here (KLV). */
    static TsTrack create(TsElementaryStream es, Consumer<String> problems) {
        TsCodec codec = es.codec();
        return codec == null ? null : switch (codec) {
            case H264, H265 -> new TsVideoTrack(es, problems);
            case AAC -> new TsAacTrack(es, problems);
            case OPUS -> new TsOpusTrack(es, problems);
            case MPEG_AUDIO -> new TsMpegAudioTrack(es, problems);
            case KLV -> null;
        };
    }

    MediaType type() {
        return stream.codec().isVideo() ? MediaType.VIDEO : MediaType.AUDIO;
    }

    /** Whether the codec configuration is known, so that {@link #format} can be called. */
    abstract boolean ready();

    /** Why the track is not {@link #ready()}, for the reason it is dropped. */
    String notReadyReason() {
        return "no codec configuration while probing";
    }

    /**
     * The RTP format; only when {@link #ready()}.
     *
     * @param dynamicPayloadType the payload type to use unless the format has a static one
     */
    abstract Format format(int dynamicPayloadType);

    /**
     * The access units of one PES, in order; they hold retained slices of its data, and the PES stays
     * the caller's. Malformed data is reported and skipped; units before the configuration is known
     * are dropped.
     *
     * @param pts unwrapped PTS in 90 kHz, or {@link PesHeader#NONE}
     * @param dts unwrapped DTS, or {@link PesHeader#NONE}
     */
    abstract List<AccessUnit> accessUnits(PesPacket pes, long pts, long dts);

    /** Reports a problem of this track, prefixed with its PID and codec. */
    void problem(String message) {
        problems.accept("PID " + TsPacket.pidName(stream.pid()) + " " + stream.codec() + ": " + message);
    }

    @Override
    public String toString() {
        return stream.codec() + " on PID " + TsPacket.pidName(stream.pid());
    }
}
