package io.sluice.hooks;

/** HookCommandException says why a hook's command line cannot be run: a quote left open, nothing to run, a program not found. */
public final class HookCommandException extends Exception {
    private static final long serialVersionUID = 1L;

    HookCommandException(String message) {
        super(message);
    }
}
