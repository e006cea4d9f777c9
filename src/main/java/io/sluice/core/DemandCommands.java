package io.sluice.core;

import io.sluice.conf.PathConf;
import io.sluice.hooks.DemandCommand;
import io.sluice.hooks.Hooks;
import io.sluice.path.OnDemandFactory;
import io.sluice.path.Path;
import io.sluice.path.StreamOnDemand;
import java.time.Duration;

/**
 * DemandCommands brings a path's stream with its {@code runOnDemand} command (hooks' {@link DemandCommand}) when
 * a reader asks: the wiring between the hooks and the path's on-demand logic, which know nothing of each other.
 */
final class DemandCommands implements OnDemandFactory {
    private final Hooks hooks;

    DemandCommands(Hooks hooks) {
        this.hooks = hooks;
    }

    @Override
    public boolean onDemand(PathConf conf) {
        return conf.hooks().demand().isSet();
    }

    @Override
    public StreamOnDemand create(Path path) {
        DemandCommand c = hooks.demandCommand(path.name());
        if (c == null) {
            throw new IllegalStateException("path '" + path.name() + "' has no runOnDemand");
        }
        return new StreamOnDemand() {
            @Override
            public void start() {
                c.start("");
            }

            @Override
            public void start(String query) {
                c.start(query);
            }

            @Override
            public void stop() {
                c.stop();
            }

            @Override
            public Duration startTimeout() {
                return c.startTimeout();
            }

            @Override
            public Duration closeAfter() {
                return c.closeAfter();
            }

            @Override
            public String describe() {
                return "runOnDemand";
            }
        };
    }
}
