package io.sluice.conf;

import java.util.Locale;

/** AuthAction is what an authInternalUsers permission allows (mediamtx's names). */
public enum AuthAction {
    PUBLISH, READ, PLAYBACK, API, METRICS, PPROF;

    static final String ACCEPTED = "publish, read, playback, api, metrics, pprof";

    public String yaml() {
        return name().toLowerCase(Locale.ROOT);
    }

    static AuthAction parse(String s) {
        for (AuthAction a : values()) {
            if (a.yaml().equals(s.strip())) {
                return a;
            }
        }
        throw new BadValue("unknown action '" + s + "'", ACCEPTED);
    }
}
