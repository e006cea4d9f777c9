package io.sluice.metrics;

import io.sluice.conf.Conf;
import io.sluice.control.Control;
import io.sluice.control.PathInfo;
import io.sluice.control.SessionInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** FakeControl shows whatever the test puts in its lists; every change is refused. */
final class FakeControl implements Control {
    final List<PathInfo> paths = new ArrayList<>();
    final List<TargetInfo> targets = new ArrayList<>();
    final List<SessionInfo> sessions = new ArrayList<>();
    /** When set, {@link #paths()} throws it (a core in trouble). */
    RuntimeException failure;

    @Override
    public List<PathInfo> paths() {
        if (failure != null) {
            throw failure;
        }
        return List.copyOf(paths);
    }

    @Override
    public Optional<PathInfo> path(String name) {
        return paths.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    @Override
    public List<TargetInfo> targets(Optional<String> pathEntry) {
        return targets.stream().filter(t -> pathEntry.map(t.path()::equals).orElse(true)).toList();
    }

    @Override
    public Optional<TargetInfo> target(String pathEntry, String id) {
        return targets.stream().filter(t -> t.path().equals(pathEntry) && t.stats().id().equals(id)).findFirst();
    }

    @Override
    public List<SessionInfo> sessions() {
        return List.copyOf(sessions);
    }

    @Override
    public Conf conf() {
        throw new UnsupportedOperationException();
    }

    @Override
    public String yaml(boolean redacted) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, Object> confTree(String pathEntry) {
        throw new UnsupportedOperationException();
    }

    @Override
    public TargetInfo addTarget(String pathEntry, Map<String, Object> body) {
        throw new UnsupportedOperationException();
    }

    @Override
    public TargetInfo patchTarget(String pathEntry, String id, Map<String, Object> patch) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void deleteTarget(String pathEntry, String id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void addPath(String name, Map<String, Object> body) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void patchPath(String name, Map<String, Object> patch) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void deletePath(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void patchGlobal(Map<String, Object> patch) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean kick(String sessionId) {
        return false;
    }

    @Override
    public String save() {
        throw new UnsupportedOperationException();
    }
}
