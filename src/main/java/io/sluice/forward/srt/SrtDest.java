package io.sluice.forward.srt;

import io.sluice.conf.DestUrl;
import io.sluice.conf.ForwardDest;
import io.sluice.conf.SrtDestConf;
import io.sluice.forward.Dest;
import io.sluice.forward.DestContext;
import io.sluice.forward.TrackStatus;
import io.sluice.net.srt.Srt;
import io.sluice.net.srt.SrtException;
import io.sluice.net.srt.SrtOptions;
import io.sluice.net.srt.SrtSocket;
import io.sluice.net.srt.SrtStats;
import io.sluice.net.srt.SrtStreamSender;
import io.sluice.protocol.mpegts.TsFromStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SrtDest pushes a stream to an SRT listener as a caller, re-framed into MPEG-TS by the same writer
 * local SRT readers use. The stream id, passphrase, key length and latency come from
 * {@code srtConfig}, else from the URL's query ({@code srtConfig} wins where both set one).
 *
 * <p>Sends happen on the publisher's event loop; the runner's thread connects, then waits in
 * libsrt's receive until the connection breaks. libsrt's own figures (RTT, loss, retransmits, send
 * buffer) go to the target's stats.
 */
public final class SrtDest implements Dest {
    private static final Logger LOG = LoggerFactory.getLogger(SrtDest.class);

    private final ForwardDest conf;
    private final DestUrl.Srt url;
    private final Duration connectTimeout;
    private final Duration writeTimeout;
    private volatile SrtSocket socket;
    private volatile boolean closed;
    private volatile Map<String, Number> lastLink = Map.of();

    public SrtDest(ForwardDest conf, Duration connectTimeout, Duration writeTimeout) {
        this.conf = conf;
        this.url = (DestUrl.Srt) conf.url();
        this.connectTimeout = connectTimeout;
        this.writeTimeout = writeTimeout;
    }

    /** The options of the caller socket: srtConfig first, then the URL query, then libsrt's defaults. */
    SrtOptions options() {
        SrtDestConf c = conf.srtConfig();
        Map<String, String> q = url.query();
        String streamId = !c.streamId().isEmpty() ? c.streamId() : q.getOrDefault("streamid", "");
        String passphrase = !c.passphrase().isEmpty() ? c.passphrase() : q.getOrDefault("passphrase", "");
        int pbkeylen = c.pbkeylen() != 0 ? c.pbkeylen() : Integer.parseInt(q.getOrDefault("pbkeylen", "0"));
        // srtConfig.latency always has a value (default 120); the URL's applies only when it was left at that.
        int latency = c.latencyMs() != SrtDestConf.DEFAULT_LATENCY_MS || !q.containsKey("latency") ? c.latencyMs()
                : Integer.parseInt(q.get("latency"));
        int connectMs = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        return new SrtOptions(latency, passphrase, pbkeylen, streamId, connectMs,
                SrtOptions.defaults().peerIdleTimeoutMs());
    }

    @Override
    public void run(DestContext ctx) throws Exception {
        if (!Srt.available()) {
            throw new IOException(Srt.unavailableReason());
        }
        SrtSocket s = SrtSocket.connect(new InetSocketAddress(url.host(), url.port()), options());
        socket = s;
        if (closed) {
            s.close();
            throw new InterruptedException("closed");
        }
        String name = "[forward " + conf.id() + " " + conf.redactedUrl() + "]";
        SrtStreamSender sender = new SrtStreamSender(name, s, ctx.stream(), ctx.loop(), ctx.queueCapacity(),
                writeTimeout, LOG);
        try {
            List<TrackStatus> tracks = new ArrayList<>();
            for (TsFromStream.Track t : sender.mapper().tracks()) {
                tracks.add(t.carried() ? TrackStatus.forwarded(t.media(), t.codec())
                        : TrackStatus.skipped(t.media(), t.codec(), t.reason()));
            }
            if (!sender.mapper().carriesAnything()) {
                throw new IOException("no track of the stream can be carried over MPEG-TS: " + tracks);
            }
            ctx.linkStats(this::link);
            ctx.forwarding(tracks, sender.queue());
            sender.start();
            waitUntilBroken(s);
            link(); // keep the last figures for the stats
        } finally {
            sender.close();
            s.close();
        }
        if (!closed && sender.failure() != null) {
            throw sender.failure();
        }
    }

    private void waitUntilBroken(SrtSocket s) throws SrtException {
        byte[] buf = new byte[1500];
        s.receiveTimeoutMs(1000);
        try {
            while (!closed) {
                s.receive(buf); // a listener sends nothing back in live mode; this only waits for the end
            }
        } catch (SrtException e) {
            if (!closed) {
                throw e; // the listener went away or the peer idle timeout struck: the runner retries
            }
        }
    }

    /** libsrt's figures of the current session (the last ones once it ended). Any thread. */
    private Map<String, Number> link() {
        SrtSocket s = socket;
        if (s == null || s.isBroken()) {
            return lastLink;
        }
        SrtStats st = s.stats(false);
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("rttMs", st.rttMs());
        m.put("mbpsBandwidth", st.mbpsBandwidth());
        m.put("pktSent", st.pktSent());
        m.put("pktRetrans", st.pktRetrans());
        m.put("pktSndLoss", st.pktSndLoss());
        m.put("pktSndDrop", st.pktSndDrop());
        m.put("byteSent", st.byteSent());
        m.put("sndBufPkts", st.sndBufPkts());
        m.put("sndBufMs", st.sndBufMs());
        m.put("latencyMs", st.latencyMs());
        lastLink = Map.copyOf(m);
        return lastLink;
    }

    @Override
    public void close() {
        closed = true;
        SrtSocket s = socket;
        if (s != null) {
            s.close();
        }
    }
}
