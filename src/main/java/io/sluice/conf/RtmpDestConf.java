package io.sluice.conf;

/** RtmpDestConf holds the RTMP-specific settings of a forward target; none exist yet, the key is reserved. */
public record RtmpDestConf() {

    static final RtmpDestConf DEFAULT = new RtmpDestConf();
}
