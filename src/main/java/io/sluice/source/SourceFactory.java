package io.sluice.source;

import io.sluice.conf.SourceConf;

/**
 * SourceFactory makes the protocol session of one attempt to pull a path's stream; the core implements it
 * with a switch over the URL's protocol, as it does for forward targets.
 */
public interface SourceFactory {

    /**
     * @param expanded the path's source with $G1... and $MTX_PATH expanded
     * @throws IllegalArgumentException naming the URL when its protocol has no source (the runner shows it as
     *     the attempt's error and tries again later, so a reload that fixes the URL takes effect)
     */
    Source create(String pathName, SourceConf expanded);
}
