package io.sluice.conf;

import java.util.List;
import java.util.Objects;

/**
 * ConnHooksConf is mediamtx's server-wide connection hooks: a command run while a client connection is open
 * ({@code runOnConnect}, restarted with {@code runOnConnectRestart}) and one run once when it closes
 * ({@code runOnDisconnect}). Read when a connection opens, so a reload applies to the next connections.
 *
 * @param connect runOnConnect and runOnConnectRestart
 * @param disconnect runOnDisconnect
 */
public record ConnHooksConf(HookConf connect, HookConf disconnect) {

    static final Key<String> RUN_ON_CONNECT = HookConf.commandKey("runOnConnect");
    static final Key<Boolean> RUN_ON_CONNECT_RESTART = HookConf.restartKey("runOnConnectRestart");
    static final Key<String> RUN_ON_DISCONNECT = HookConf.commandKey("runOnDisconnect");

    static final KeyTable<ConnHooksConf> KEYS = new KeyTable<>(
            List.of(RUN_ON_CONNECT, RUN_ON_CONNECT_RESTART, RUN_ON_DISCONNECT), RUN_ON_CONNECT,
            v -> new ConnHooksConf(new HookConf(v.get(RUN_ON_CONNECT), v.get(RUN_ON_CONNECT_RESTART)),
                    new HookConf(v.get(RUN_ON_DISCONNECT), false)));

    public static final ConnHooksConf DEFAULT = KEYS.defaults();

    public ConnHooksConf {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(disconnect, "disconnect");
    }
}
