package io.sluice.stream;

/** MediaType is the kind of an SDP media section ("m=" line). */
public enum MediaType {
    VIDEO("video"), AUDIO("audio"), APPLICATION("application");

    private final String sdpName;

    MediaType(String sdpName) {
        this.sdpName = sdpName;
    }

    /** The name used on the SDP m= line. */
    public String sdpName() {
        return sdpName;
    }

    /** Parses an SDP media name; unknown names become {@link #APPLICATION} so they still pass through. */
    public static MediaType fromSdp(String name) {
        for (MediaType t : values()) {
            if (t.sdpName.equalsIgnoreCase(name)) {
                return t;
            }
        }
        return APPLICATION;
    }
}
