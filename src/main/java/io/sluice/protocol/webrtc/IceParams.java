package io.sluice.protocol.webrtc;

import java.util.Objects;

/**
 * IceParams is an ICE username fragment and password ({@code a=ice-ufrag}, {@code a=ice-pwd}, RFC 8839 §5.4).
 */
public record IceParams(String ufrag, String pwd) {

    public IceParams {
        Objects.requireNonNull(ufrag, "ufrag");
        Objects.requireNonNull(pwd, "pwd");
    }
}
