package io.sluice.core;

import io.sluice.auth.Authorizer;
import io.sluice.auth.ConfAuthorizer;
import io.sluice.conf.Conf;
import io.sluice.conf.DestUrl;
import io.sluice.conf.ForwardDest;
import io.sluice.forward.Dest;
import io.sluice.forward.rtmp.RtmpDest;
import io.sluice.forward.rtsp.RtspDest;
import io.sluice.forward.srt.SrtDest;
import io.sluice.forward.whip.WhipDest;
import io.sluice.forward.whip.WhipSequences;
import io.sluice.net.NetLoops;
import io.sluice.net.webrtc.DtlsCertificate;
import io.sluice.path.PathManager;
import io.sluice.server.rtmp.RtmpServer;
import io.sluice.server.rtsp.RtspServer;
import io.sluice.server.srt.SrtServer;
import io.sluice.server.webrtc.WebrtcServer;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server wires Sluice's components together: it starts them in dependency order and closes them in
 * reverse. It holds no protocol logic of its own.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    private final Conf conf;
    /**
     * Who may publish, read, use the API: built from the configuration, read by every server on each
     * request, so that a reload swaps it for all of them at once.
     */
    private volatile Authorizer authorizer;
    private final List<AutoCloseable> started = new ArrayList<>();
    private NetLoops loops;
    private PathManager paths;
    private RtspServer rtsp;
    private RtmpServer rtmp;
    private SrtServer srt;
    private WebrtcServer webrtc;
    /** One certificate for every DTLS session of this process (WebRTC peers expect self-signed ones). */
    private DtlsCertificate dtlsCert;
    private final WhipSequences whipSequences = new WhipSequences();

    public Server(Conf conf) {
        this.conf = conf;
        this.authorizer = ConfAuthorizer.of(conf);
    }

    /** Starts every component; on failure, closes what was started and rethrows. */
    public void start() throws Exception {
        try {
            loops = track(new NetLoops(0));
            dtlsCert = DtlsCertificate.generate();
            paths = track(new PathManager(conf, this::dest, InstantSource.system()));
            paths.start();
            rtsp = track(new RtspServer(conf, loops, paths, this::authorizer));
            rtsp.start();
            rtmp = track(new RtmpServer(conf, loops, paths, this::authorizer));
            rtmp.start();
            srt = track(new SrtServer(conf, loops, paths, this::authorizer));
            srt.start();
            webrtc = track(new WebrtcServer(conf, loops, paths, dtlsCert, this::authorizer));
            webrtc.start();
        } catch (Exception e) {
            close();
            throw e;
        }
        LOG.info("Sluice started");
    }

    private <T extends AutoCloseable> T track(T c) {
        started.add(c);
        return c;
    }

    /** Makes the protocol session for one forward target attempt. */
    private Dest dest(ForwardDest d) {
        return switch (d.url()) {
            case DestUrl.Rtsp r -> new RtspDest(d, loops, conf.readTimeout(), conf.writeTimeout());
            case DestUrl.Rtmp r -> new RtmpDest(d, loops, conf.readTimeout(), conf.writeTimeout());
            case DestUrl.Srt s -> new SrtDest(d, conf.readTimeout(), conf.writeTimeout());
            case DestUrl.Whip w -> new WhipDest(d, dtlsCert, whipSequences, conf.readTimeout(), null);
        };
    }

    /** The authorizer in force now. */
    public Authorizer authorizer() {
        return authorizer;
    }

    public PathManager paths() {
        return paths;
    }

    public RtspServer rtsp() {
        return rtsp;
    }

    public RtmpServer rtmp() {
        return rtmp;
    }

    public SrtServer srt() {
        return srt;
    }

    public WebrtcServer webrtc() {
        return webrtc;
    }

    /** Stops everything: listeners first (no new sessions), then paths (forwarders), then loops. */
    @Override
    public void close() {
        Exception failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (failure != null) {
            LOG.warn("error while stopping", failure);
        }
    }
}
