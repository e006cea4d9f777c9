package io.sluice.conf;

import java.util.Objects;

/**
 * SourceUrl is what a path's {@code source:} says, parsed once at load time: the path waits for a publisher
 * (mediamtx's default, {@code publisher}), pulls from a remote server or camera, or listens for MPEG-TS over
 * UDP. toString() never shows credentials.
 */
public sealed interface SourceUrl permits SourceUrl.Publisher, SourceUrl.Remote, SourceUrl.UdpMpegts {

    /** The forms {@code source:} accepts, in the order error messages list them. */
    String ACCEPTED = "publisher, rtsp://, rtsps://, rtmp://, rtmps://, srt://, whep://, wheps://, http://, https://,"
            + " udp+mpegts://HOST:PORT";

    /** The value as written (with credentials: never log it, use {@link Redact#url}). */
    String raw();

    /** {@code source: publisher}: the path waits for a client to publish. */
    record Publisher() implements SourceUrl {
        @Override
        public String raw() {
            return "publisher";
        }
    }

    /**
     * Remote is a server or camera Sluice connects to and reads from, with the client of the protocol its
     * forward targets use: the URL is parsed as a target's is ({@link DestUrl.Rtsp}, {@link DestUrl.Rtmp},
     * {@link DestUrl.Srt}); a WHEP endpoint (whep://, wheps://, http://, https://) is a {@link DestUrl.Whip}
     * whose endpoint is read instead of written to.
     */
    record Remote(DestUrl url) implements SourceUrl {
        public Remote {
            Objects.requireNonNull(url, "url");
        }

        @Override
        public String raw() {
            return url.raw();
        }

        @Override
        public String toString() {
            return "Remote[" + Redact.url(url.raw()) + "]";
        }
    }

    /**
     * UdpMpegts is mediamtx's {@code udp+mpegts://HOST:PORT}: Sluice binds HOST:PORT and reads MPEG-TS datagrams
     * (unicast, or multicast when HOST is a multicast group).
     *
     * @param source the sender address datagrams must come from ("" = any), from {@code ?source=IP}
     */
    record UdpMpegts(String raw, String host, int port, String source) implements SourceUrl {
        public UdpMpegts {
            Objects.requireNonNull(raw, "raw");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(source, "source");
        }
    }
}
