package io.sluice.conf;

/** RtspTransport is how RTP travels in an RTSP session: interleaved in TCP, over UDP, or whichever works. */
public enum RtspTransport {
    UDP("udp"),
    TCP("tcp"),
    /** Try UDP first and fall back to TCP; only meaningful for a client (forward target). */
    AUTOMATIC("automatic");

    private final String yamlName;

    RtspTransport(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The name used in the YAML file. */
    public String yamlName() {
        return yamlName;
    }

    /** The value with this YAML name, ignoring case. */
    static RtspTransport fromYaml(String name, boolean allowAutomatic) {
        for (RtspTransport t : values()) {
            if (t.yamlName.equalsIgnoreCase(name.strip()) && (allowAutomatic || t != AUTOMATIC)) {
                return t;
            }
        }
        throw new BadValue("unknown transport '" + name + "'",
                allowAutomatic ? "udp, tcp, automatic" : "udp, tcp");
    }
}
