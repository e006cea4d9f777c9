package io.sluice.source.rtsp;

import io.sluice.protocol.sdp.MediaDescription;
import io.sluice.protocol.sdp.SdpException;
import io.sluice.protocol.sdp.SdpStreamMapper;
import io.sluice.protocol.sdp.SessionDescription;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RtspSourceMedias is what a camera's DESCRIBE answer offers that Sluice can take: each m= section that maps
 * to a media with the same mapper as the RTSP server's ANNOUNCE ({@link SdpStreamMapper}), and the URL its
 * SETUP goes to (RFC 2326 §C.1.1, a=control relative to the Content-Base). Sections it cannot take (not RTP,
 * a dynamic payload type without rtpmap, a malformed rtpmap) are left out with the reason, so one odd
 * metadata track does not cost the camera's video.
 *
 * @param desc the medias kept, in SDP order
 * @param setupUrls the SETUP URL of each kept media
 * @param skipped one reason per section left out, naming its index and m= line
 * @param base the URL relative controls resolved against; TEARDOWN and keepalives go there
 * @param playUrl the aggregate control (the session's a=control), where PLAY goes
 */
record RtspSourceMedias(StreamDesc desc, List<String> setupUrls, List<String> skipped, String base, String playUrl) {

    /**
     * @param base the Content-Base (or Content-Location, or the DESCRIBE URL) that relative controls resolve
     *     against
     * @throws SdpException when no section can be taken; the message lists why each was left out
     */
    static RtspSourceMedias of(SessionDescription sdp, String base) throws SdpException {
        List<MediaDesc> medias = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < sdp.medias().size(); i++) {
            MediaDescription m = sdp.medias().get(i);
            String line = "media " + i + " (m=" + m.media() + " " + m.port() + " " + m.proto() + " "
                    + String.join(" ", m.formats()) + ")";
            if (!m.proto().toUpperCase(Locale.ROOT).startsWith("RTP/AVP")) {
                skipped.add(line + ": transport " + m.proto() + " is not RTP");
                continue;
            }
            try {
                MediaDesc md = SdpStreamMapper.toStream(only(sdp, m)).medias().getFirst();
                medias.add(md);
                urls.add(resolve(base, m.control()));
            } catch (SdpException e) {
                // the mapper saw a one-media SDP: its "media 0 (...)" prefix would name the wrong index
                skipped.add(line + ": " + e.getMessage().replaceFirst("^media 0( \\([^)]*\\))?:? ?", ""));
            }
        }
        if (medias.isEmpty()) {
            throw new SdpException("no media Sluice can read in the camera's SDP"
                    + (skipped.isEmpty() ? " (no m= sections)" : ": " + String.join("; ", skipped)));
        }
        return new RtspSourceMedias(new StreamDesc(medias), List.copyOf(urls), List.copyOf(skipped), base,
                resolve(base, sdp.control()));
    }

    /** The session with just one media section, for the mapper (which maps all or nothing). */
    private static SessionDescription only(SessionDescription s, MediaDescription m) {
        return new SessionDescription(s.version(), s.origin(), s.sessionName(), s.information(), s.connection(),
                s.bandwidths(), s.times(), s.attributes(), s.otherLines(), List.of(m));
    }

    /**
     * A media's control resolved against the base URL: absolute controls stay, "*" or none means the base
     * itself, a relative one is appended to the base's path (before its query, as cameras expect
     * {@code /stream/trackID=1?token=x}).
     */
    static String resolve(String base, String control) {
        if (control == null || control.isBlank() || control.equals("*")) {
            return base;
        }
        String lower = control.toLowerCase(Locale.ROOT);
        if (lower.startsWith("rtsp://") || lower.startsWith("rtsps://")) {
            return control;
        }
        int q = base.indexOf('?');
        String path = q < 0 ? base : base.substring(0, q);
        String query = q < 0 ? "" : base.substring(q);
        String rel = control.startsWith("/") ? control.substring(1) : control;
        return (path.endsWith("/") ? path : path + "/") + rel + query;
    }
}
