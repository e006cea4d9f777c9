package io.sluice.conf;

import java.util.Locale;

/**
 * RtspAuthMethod is one way an RTSP client may prove its credentials (mediamtx's {@code rtspAuthMethods}):
 * Basic sends the password itself, Digest (RFC 2617, MD5) a hash made with a nonce, which the server can
 * only check with the plain password.
 */
public enum RtspAuthMethod {
    BASIC("basic"),
    DIGEST("digest");

    static final String ACCEPTED = "a list of basic, digest";

    private final String yamlName;

    RtspAuthMethod(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The name used in the YAML file. */
    public String yamlName() {
        return yamlName;
    }

    static RtspAuthMethod fromYaml(String name) {
        for (RtspAuthMethod m : values()) {
            if (m.yamlName.equals(name.strip().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new BadValue("unknown RTSP auth method '" + name + "'", "basic, digest");
    }
}
