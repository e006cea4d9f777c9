package io.sluice.conf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * ForwardGroup is one entry of a path entry's {@code forwardGroups}: how the targets sharing a {@code group:}
 * name work together. A group that is not listed is a failover group.
 *
 * @param name the group name the targets write in {@code group:}
 * @param mode failover (one member at a time, in order) or balance (each stream path through one member,
 *     chosen by weight and load, sticky)
 * @param rebalance balance only: whether running paths move to even out the load when a member joins or
 *     returns (one move per tick, at a keyframe); no keeps running paths where they are
 */
public record ForwardGroup(String name, Mode mode, boolean rebalance) {

    /** How the members of a group share the work. */
    public enum Mode {
        /** Members are tried in order; one forwards at a time. */
        FAILOVER,
        /** Each stream path of the entry forwards through one member; the paths spread over the members. */
        BALANCE;

        static Mode fromYaml(String s) {
            return switch (s) {
                case "failover" -> FAILOVER;
                case "balance" -> BALANCE;
                default -> throw new BadValue("unknown mode '" + s + "'", ACCEPTED_MODE);
            };
        }

        /** As written in the file. */
        public String yaml() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static final String ACCEPTED_MODE = "failover, balance";
    static final List<String> KEYS = List.of("mode", "rebalance");
    /** The group of a name that forwardGroups does not list: today's failover. */
    public static ForwardGroup failover(String name) {
        return new ForwardGroup(name, Mode.FAILOVER, false);
    }

    public ForwardGroup {
        ForwardDest.checkGroup(Objects.requireNonNull(name, "name"));
        if (name.isEmpty()) {
            throw new BadValue("empty group name", ForwardDest.ACCEPTED_ID);
        }
        Objects.requireNonNull(mode, "mode");
    }

    /**
     * Reads a path entry's forwardGroups mapping; a wrong entry is reported and left out, so its members fall
     * back to failover.
     */
    static Map<String, ForwardGroup> read(ConfNode pathNode) {
        if (!pathNode.has("forwardGroups")) {
            return Map.of();
        }
        ConfNode groups = pathNode.object("forwardGroups");
        if (groups == null) {
            return Map.of();
        }
        Map<String, ForwardGroup> out = new LinkedHashMap<>();
        for (String name : groups.keys()) {
            try {
                ForwardDest.checkGroup(name);
            } catch (BadValue e) {
                groups.problems().add(groups.keyPath(name), e);
                continue;
            }
            ConfNode g = groups.object(name);
            if (g == null) {
                continue;
            }
            g.checkKeys(KEYS, Set.of());
            Mode mode = g.get("mode", Mode.FAILOVER, v -> Mode.fromYaml(ConfNode.text(v)));
            boolean rebalance = g.bool("rebalance", false);
            if (rebalance && mode != Mode.BALANCE) {
                g.problems().warn(g.keyPath("rebalance"), "has no effect in a " + mode.yaml() + " group");
            }
            out.put(name, new ForwardGroup(name, mode, rebalance));
        }
        return out;
    }

    /**
     * Warns about groups no target of the entry uses (most likely a misspelt name), and about weights outside a
     * balanced group (they do nothing there).
     */
    static void warnUnused(ConfNode pathNode, Map<String, ForwardGroup> groups, List<ForwardDest> targets) {
        List<String> unused = new ArrayList<>(groups.keySet());
        for (ForwardDest d : targets) {
            unused.remove(d.group());
        }
        for (String g : unused) {
            pathNode.problems().warn(pathNode.keyPath("forwardGroups") + "." + g,
                    "no target of this path entry has group: " + g);
        }
        for (ForwardDest d : targets) {
            ForwardGroup g = groups.get(d.group());
            if (d.weight() != 1 && (g == null || g.mode() != Mode.BALANCE)) {
                pathNode.problems().warn(pathNode.keyPath("forwardTargets") + "." + d.id() + ".weight",
                        "has no effect outside a balanced group" + (d.group().isEmpty() ? ""
                                : " ('" + d.group() + "' is a failover group)"));
            }
        }
    }
}
