package io.sluice.path;

import io.sluice.conf.PathConf;

/**
 * OnDemandFactory tells the path manager which paths bring their stream on demand and makes the
 * {@link StreamOnDemand} of each: core/Server builds it from the pulled-source runner ({@code sourceOnDemand})
 * and the {@code runOnDemand} command, so path/ knows neither.
 */
public interface OnDemandFactory {

    /** No path brings its stream on demand: readers of a path without a stream are refused at once. */
    OnDemandFactory NONE = new OnDemandFactory() {
        @Override
        public boolean onDemand(PathConf conf) {
            return false;
        }

        @Override
        public StreamOnDemand create(Path path) {
            throw new IllegalStateException("no on-demand stream for path '" + path.name() + "'");
        }
    };

    /** Whether the paths of this entry bring their stream when a reader asks for it. */
    boolean onDemand(PathConf conf);

    /**
     * What brings the stream of a path whose entry is {@link #onDemand}; called once per path (and on reload),
     * with the path manager's lock held: it must not block or call back into the manager (start nothing yet).
     */
    StreamOnDemand create(Path path);
}
