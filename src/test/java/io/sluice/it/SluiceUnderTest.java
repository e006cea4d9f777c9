package io.sluice.it;

import io.sluice.conf.ConfLoader;
import io.sluice.core.Server;

/**
 * SluiceUnderTest runs a Sluice server in the test's JVM on free loopback ports, configured with the
 * YAML a test gives for its paths.
 */
final class SluiceUnderTest implements AutoCloseable {
    final int rtspPort;
    final int rtpPort;
    private final Server server;

    private SluiceUnderTest(int rtspPort, int rtpPort, Server server) {
        this.rtspPort = rtspPort;
        this.rtpPort = rtpPort;
        this.server = server;
    }

    /** @param yaml extra top-level YAML, typically a {@code paths:} block */
    static SluiceUnderTest start(String yaml) throws Exception {
        int rtsp = Ports.tcp();
        int rtp = Ports.udpPair();
        String conf = """
                logLevel: debug
                rtspAddress: 127.0.0.1:%d
                rtpAddress: 127.0.0.1:%d
                rtcpAddress: 127.0.0.1:%d
                """.formatted(rtsp, rtp, rtp + 1)
                // a free RTMP port unless the test picks one: never the default 1935 in tests
                + (yaml.contains("rtmpAddress:") ? "" : "rtmpAddress: 127.0.0.1:0\n") + yaml;
        Server s = new Server(ConfLoader.parse(conf, "it.yml"));
        s.start();
        return new SluiceUnderTest(rtsp, rtp, s);
    }

    String rtsp(String path) {
        return "rtsp://127.0.0.1:" + rtspPort + "/" + path;
    }

    /** URL of a path on the RTMP listener. */
    String rtmp(String path) {
        return "rtmp://127.0.0.1:" + server.rtmp().port() + "/" + path;
    }

    Server server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
