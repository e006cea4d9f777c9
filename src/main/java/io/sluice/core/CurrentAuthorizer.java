package io.sluice.core;

import io.sluice.auth.Authorizer;
import io.sluice.conf.AuthAction;
import java.net.InetAddress;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * CurrentAuthorizer forwards every question to the authorizer in force now, for components that take
 * one Authorizer for their life (the API, the metrics) while a reload replaces it. It must forward every
 * method, default ones included: a default left out would answer with the interface's fallback (e.g. no
 * RTSP Digest proof accepted). A test checks that it overrides all of them.
 */
final class CurrentAuthorizer implements Authorizer {
    private final Supplier<Authorizer> current;

    CurrentAuthorizer(Supplier<Authorizer> current) {
        this.current = current;
    }

    @Override
    public boolean allows(AuthAction action, String path, String user, String pass, InetAddress ip) {
        return current.get().allows(action, path, user, pass, ip);
    }

    @Override
    public boolean allowsProof(AuthAction action, String path, String user, Predicate<String> proves,
            InetAddress ip) {
        return current.get().allowsProof(action, path, user, proves, ip);
    }

    @Override
    public boolean needsPlainPassword(AuthAction action, String path, InetAddress ip) {
        return current.get().needsPlainPassword(action, path, ip);
    }

    @Override
    public String authenticate(AuthAction action, String path, String user, String pass, InetAddress ip) {
        return current.get().authenticate(action, path, user, pass, ip);
    }
}
