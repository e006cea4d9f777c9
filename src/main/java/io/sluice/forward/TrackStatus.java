package io.sluice.forward;

/**
 * TrackStatus says whether one media of the stream is carried to a target, and why not.
 *
 * @param media index of the media in the stream
 * @param codec codec name, e.g. "H264"
 * @param forwarded true when the target carries it
 * @param reason why it is skipped, "" when forwarded
 */
public record TrackStatus(int media, String codec, boolean forwarded, String reason) {
    public static TrackStatus forwarded(int media, String codec) {
        return new TrackStatus(media, codec, true, "");
    }

    public static TrackStatus skipped(int media, String codec, String reason) {
        return new TrackStatus(media, codec, false, reason);
    }
}
