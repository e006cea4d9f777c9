package io.sluice.conf;

import java.util.Objects;

/**
 * HookConf is one of mediamtx's {@code runOn*} hooks as configured: the command line and its
 * {@code runOn*Restart} flag. A hook that has no restart key (runOnNotReady, runOnUnread, runOnDisconnect,
 * runOnUnDemand) always has restart false.
 *
 * @param command the command line as written ("" for none): split on spaces with quotes honoured, no shell,
 *     $VARIABLES expanded from the hook's environment (see io.sluice.hooks.HookCommand)
 * @param restart run it again (after a pause) each time it exits, until its trigger ends
 */
public record HookConf(String command, boolean restart) {

    /** No command. */
    public static final HookConf NONE = new HookConf("", false);

    public HookConf {
        Objects.requireNonNull(command, "command");
    }

    /** Whether a command is configured. */
    public boolean isSet() {
        return !command.isBlank();
    }

    /** The key of a command, default "". */
    static Key<String> commandKey(String name) {
        return Key.string(name, "");
    }

    /** The key of a restart flag, default false (mediamtx's). */
    static Key<Boolean> restartKey(String name) {
        return Key.of(name, false, ConfNode::bool);
    }

    @Override
    public String toString() {
        return "HookConf[command=" + Redact.text(command) + ", restart=" + restart + "]";
    }
}
