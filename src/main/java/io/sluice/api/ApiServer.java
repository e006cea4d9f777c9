package io.sluice.api;

import io.sluice.auth.Authorizer;
import io.sluice.control.Control;
import io.sluice.conf.LimitsConf;
import io.sluice.net.NetLoops;
import io.sluice.net.Refusals;
import io.sluice.net.http.HttpListener;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * ApiServer is the control-plane HTTP API (mediamtx v3 style JSON under {@code /v3/}) and the status page
 * at {@code /}, on one address. It reads and changes the server only through {@link Control}, and every
 * request must pass {@link Authorizer} for the {@code api} action.
 */
public final class ApiServer implements AutoCloseable {
    private final HttpListener listener;

    /** @param address listen address, e.g. ":9997" or "127.0.0.1:0" */
    public ApiServer(String address, NetLoops loops, Control control, Authorizer auth) {
        this.listener = new HttpListener("api", address, loops, new ApiHandler(control, auth));
    }

    /**
     * With the server's connection, deadline and size limits (read at each accept), refusals counted as
     * "api", and HTTPS only when {@code tls} is not null (apiEncryption: yes; the TLS handshake has the
     * limits' handshakeTimeout).
     */
    public ApiServer(String address, NetLoops loops, Control control, Authorizer auth, Supplier<LimitsConf> limits,
            Refusals refusals, SslContext tls) {
        this.listener = new HttpListener("api", address, loops, new ApiHandler(control, auth), limits, refusals);
        if (tls != null) {
            listener.useTls(tls, limits.get().handshakeTimeout());
        }
    }

    /**
     * Binds the listener.
     *
     * @throws IOException naming the address when it cannot be bound
     * @throws IllegalArgumentException when the address is not of the form [host]:port
     */
    public void start() throws IOException, InterruptedException {
        listener.start();
    }

    /** The bound port, or -1 before {@link #start()}. */
    public int port() {
        return listener.port();
    }

    /** Closes the listener and its connections; returns when every request thread has ended. Idempotent. */
    @Override
    public void close() {
        listener.close();
    }
}
