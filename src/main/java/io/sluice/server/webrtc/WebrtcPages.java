package io.sluice.server.webrtc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * WebrtcPages holds the static browser pages, read once from the classpath: the pages find their
 * WHIP/WHEP endpoint from their own URL, so one copy serves every path.
 */
final class WebrtcPages {
    static final String INDEX = load("index.html");
    static final String READ = load("read.html");
    static final String PUBLISH = load("publish.html");

    private WebrtcPages() {
    }

    private static String load(String name) {
        try (InputStream in = WebrtcPages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource io/sluice/server/webrtc/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource io/sluice/server/webrtc/" + name, e);
        }
    }
}
