package io.sluice.conf;

import java.util.Objects;

/**
 * RtspDestConf holds the RTSP-specific settings of a forward target.
 *
 * @param transport how RTP is sent to the remote server; AUTOMATIC tries UDP then TCP
 */
public record RtspDestConf(RtspTransport transport) {

    static final RtspDestConf DEFAULT = new RtspDestConf(RtspTransport.AUTOMATIC);

    public RtspDestConf {
        Objects.requireNonNull(transport, "transport");
    }
}
