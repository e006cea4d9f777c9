package io.sluice.path;

import io.sluice.conf.SourceConf;

/**
 * PathSources makes the {@link PathSource} of a path whose entry pulls; the core builds it over the protocols'
 * sources, so that the path package does not know them.
 */
public interface PathSources {

    /** For servers and tests without pull sources: any pulling entry's path gets a source that never runs. */
    PathSources NONE = (pathName, conf, feed, sessions) -> {
        throw new IllegalStateException("path '" + pathName + "' pulls from " + conf.redactedUrl()
                + " but this server has no pull sources");
    };

    /**
     * @param conf the entry's source for this path ($G1... and $MTX_PATH expanded)
     * @param feed where the source publishes
     * @param sessions where the source registers its session while it publishes, as protocol servers do
     */
    PathSource create(String pathName, SourceConf conf, SourceFeed feed, SessionRegistry sessions);
}
