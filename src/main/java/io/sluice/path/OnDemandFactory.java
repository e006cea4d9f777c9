package io.sluice.path;

import io.sluice.conf.PathConf;

/**
 * OnDemandFactory tells the path manager which paths bring their stream on demand and makes the
 * {@link StreamOnDemand} of each: the path manager knows pulled sources with
 * {@code sourceOnDemand} ({@link #SOURCES}); core/Server adds the {@code runOnDemand} command (hooks), which
 * path/ does not know.
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

    /**
     * Pulled sources with {@code sourceOnDemand: yes} (the path manager's default): core adds runOnDemand with
     * {@code OnDemandFactory.SOURCES.orElse(commands)}.
     */
    OnDemandFactory SOURCES = new OnDemandFactory() {
        @Override
        public boolean onDemand(PathConf conf) {
            return conf.source().pulls() && conf.source().onDemand();
        }

        @Override
        public StreamOnDemand create(Path path) {
            return new SourceOnDemand(path);
        }
    };

    /** Whether the paths of this entry bring their stream when a reader asks for it. */
    boolean onDemand(PathConf conf);

    /**
     * What brings the stream of a path whose entry is {@link #onDemand}; called once per path (and on reload),
     * with the path manager's lock held: it must not block or call back into the manager (start nothing yet).
     */
    StreamOnDemand create(Path path);

    /** This factory for the entries it brings on demand, {@code other} for the rest. */
    default OnDemandFactory orElse(OnDemandFactory other) {
        OnDemandFactory first = this;
        return new OnDemandFactory() {
            @Override
            public boolean onDemand(PathConf conf) {
                return first.onDemand(conf) || other.onDemand(conf);
            }

            @Override
            public StreamOnDemand create(Path path) {
                return first.onDemand(path.conf()) ? first.create(path) : other.create(path);
            }
        };
    }
}
