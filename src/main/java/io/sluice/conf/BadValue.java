package io.sluice.conf;

/**
 * BadValue is a rejected configuration value: what is wrong with it and which values are accepted.
 * The record constructors throw it so that programmatic construction and {@link ConfLoader} share
 * one set of rules; the loader adds the source name and key path in front.
 */
final class BadValue extends IllegalArgumentException {

    private final String what;
    private final String accepted;

    BadValue(String what, String accepted) {
        super(what + "; accepted: " + accepted);
        this.what = what;
        this.accepted = accepted;
    }

    String what() {
        return what;
    }

    String accepted() {
        return accepted;
    }
}
