package io.sluice.stream;

/**
 * QualityFigures is what a {@link QualityMeter} says of its stream now, for {@code when:} quality
 * conditions, the API's path info and load-aware balancing.
 *
 * @param bitrateKbps incoming bitrate in kbit/s over the meter's window (RTP payloads of every track),
 *     -1 until the stream has sent for {@link QualityMeter#MIN_SPAN_NANOS}
 * @param width main video width in pixels from its SPS, 0 when not known (no SPS seen, or a codec
 *     whose parameter sets Sluice does not read)
 * @param height main video height in pixels from its SPS, 0 when not known
 * @param fps main video frame rate: the SPS's VUI timing when it has one, else measured from the RTP
 *     timestamps of the frames in the window; 0 when not known
 * @param fpsDeclared true when fps comes from the SPS, false when measured
 */
public record QualityFigures(double bitrateKbps, int width, int height, double fps, boolean fpsDeclared) {

    /** Before anything was measured. */
    public static final QualityFigures UNKNOWN = new QualityFigures(-1, 0, 0, 0, false);
}
