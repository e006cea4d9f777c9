package io.sluice.server.webrtc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * WebrtcPages holds the static browser pages, read once from the classpath: the pages find their
 * WHIP/WHEP endpoint from their own URL, so one copy serves every path. What the publish and read pages
 * share (status line, credentials, ICE servers from Link headers, candidate gathering) is one file,
 * whip-client.js, put in place of their {@value #INCLUDE} line here, so each page is still served whole,
 * with no extra route.
 */
final class WebrtcPages {
    static final String INCLUDE = "// @include whip-client.js";
    static final String INDEX = load("index.html");
    static final String READ = load("read.html").replace(INCLUDE, load("whip-client.js"));
    static final String PUBLISH = load("publish.html").replace(INCLUDE, load("whip-client.js"));

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
