package io.sluice.forward.whip;

import io.sluice.conf.DestUrl;
import io.sluice.net.webrtc.WebrtcHttpClient;
import java.net.URI;

/**
 * WhipEndpoint turns a WHIP target URL into the HTTP(S) URI to POST the offer to. The mediamtx form
 * {@code webrtc://host:port/path} means that path's WHIP endpoint, {@code /path/whip}; a trailing
 * {@code /whep} there is read the same way (with a warning), since pushing is always WHIP.
 *
 * @param uri where the offer goes
 * @param warning what the user should know about how the URL was read, or null
 */
record WhipEndpoint(URI uri, String warning) {

    static WhipEndpoint of(DestUrl.Whip url) {
        String path = url.path();
        String query = "";
        int q = path.indexOf('?');
        if (q >= 0) {
            query = path.substring(q);
            path = path.substring(0, q);
        }
        String warning = null;
        if (url.fromWebrtcScheme()) {
            String base = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            if (base.endsWith("/whep")) {
                base = base.substring(0, base.length() - 5);
                warning = "webrtc:// URL ends with /whep, but forwarding pushes with WHIP: using " + base + "/whip";
            }
            path = base.endsWith("/whip") ? base : base + "/whip";
        }
        return new WhipEndpoint(WebrtcHttpClient.uri(url.tls(), url.host(), url.port(), path + query), warning);
    }
}
