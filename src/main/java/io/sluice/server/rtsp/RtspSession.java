package io.sluice.server.rtsp;

import io.sluice.net.rtsp.RtspStreamWriter;
import io.sluice.path.Path;
import io.sluice.path.Publisher;
import io.sluice.path.SessionRegistry;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.StreamDesc;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtspSession is the state of one RTSP session (RFC 2326 §3): a publisher (ANNOUNCE/RECORD) or a
 * reader (DESCRIBE/PLAY), the medias it set up and how each travels.
 *
 * <p>Owned by its connection's event loop: every field is touched only there, except
 * {@link #touch()} and {@link #lastActivityNanos}, which UDP sockets update. A reader's
 * {@link #writer} then runs on its reader queue's loop (the UDP loop for a UDP reader).
 */
final class RtspSession {
    private static final Logger LOG = LoggerFactory.getLogger(RtspSession.class);

    enum Mode { PUBLISH, READ }

    /** How one media travels: interleaved in the TCP connection, or UDP to the client's ports. */
    record MediaTransport(boolean tcp, int rtpChannel, int rtcpChannel, InetSocketAddress udpRtp,
            InetSocketAddress udpRtcp) {
    }

    final String id;
    final Mode mode;
    final String pathName;
    final StreamDesc desc;
    /** The user the session authenticated as, "" when it needed no credentials. */
    final String user;
    final MediaTransport[] transports;
    /**
     * The query its client sent with the path (MTX_QUERY): a publisher's ANNOUNCE's, a reader's SETUP's or
     * DESCRIBE's; "" when none. May hold credentials: never logged.
     */
    String query = "";
    /** RTSP channel (0..255) → media index, for interleaved packets from a publisher; -1 = none. */
    final int[] mediaByChannel = new int[256];
    Publisher publisher;
    Path readPath;
    ReaderQueue readerQueue;
    /** A reader's writer (its sender reports), set at PLAY. */
    RtspStreamWriter writer;
    /** The stream readerQueue reads: the path's stream may have ended or changed by the time the session closes. */
    io.sluice.stream.Stream readStream;
    AutoCloseable streamEndHook;
    boolean playing;
    /** The session in the server-wide registry while it publishes or plays; null before and after. */
    SessionRegistry.Registration registration;
    private volatile long lastActivityNanos = System.nanoTime();

    RtspSession(String id, Mode mode, String pathName, StreamDesc desc, String user) {
        this.id = id;
        this.mode = mode;
        this.pathName = pathName;
        this.desc = desc;
        this.user = user;
        this.transports = new MediaTransport[desc.medias().size()];
        Arrays.fill(mediaByChannel, -1);
    }

    void touch() {
        lastActivityNanos = System.nanoTime();
    }

    long idleNanos() {
        return System.nanoTime() - lastActivityNanos;
    }

    boolean usesUdp() {
        for (MediaTransport t : transports) {
            if (t != null && !t.tcp()) {
                return true;
            }
        }
        return false;
    }

    boolean usesTcp() {
        for (MediaTransport t : transports) {
            if (t != null && t.tcp()) {
                return true;
            }
        }
        return false;
    }

    int setupCount() {
        int n = 0;
        for (MediaTransport t : transports) {
            if (t != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * Releases what the session holds: its slot in the server's count, its registration, UDP routes,
     * reader queue and writer, or its publisher. On the connection's loop, once.
     */
    void close(RtspServer server, String why) {
        server.releaseSession();
        if (registration != null) {
            registration.close();
        }
        server.udp().removeSession(this);
        if (writer != null) {
            writer.close();
        }
        if (readerQueue != null) {
            if (readStream != null) {
                readStream.removeReader(readerQueue);
            }
            readerQueue.close();
        }
        if (streamEndHook != null) {
            try {
                streamEndHook.close();
            } catch (Exception e) {
                LOG.debug("stream end hook", e);
            }
        }
        if (publisher != null) {
            publisher.close();
            LOG.info("[rtsp session {}] publisher of '{}' gone ({})", id, pathName, why);
        } else if (playing) {
            LOG.info("[rtsp session {}] reader of '{}' gone ({}), dropped {} packets", id, pathName, why,
                    readerQueue.dropped());
        }
    }
}
