package io.sluice.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * ClipFiles keeps media clips the ITs encode once under target/. The ITs run in two JVMs at once
 * (pom.xml), so two of them may encode the same clip at the same time: each writes its own temporary
 * file (named by its process id) and moves it into place atomically, and the last one to finish
 * replaces an identical file.
 */
final class ClipFiles {
    /** Writes a clip to the given file (a temporary one; its extension is the clip's). */
    @FunctionalInterface
    interface Encoder {
        void encode(Path to) throws IOException, InterruptedException;
    }

    private ClipFiles() {
    }

    /** The clip at {@code out}, encoded first unless an earlier run left it there. */
    static Path once(Path out, Encoder encoder) throws IOException, InterruptedException {
        if (Files.isRegularFile(out) && Files.size(out) > 0) {
            return out;
        }
        Files.createDirectories(out.getParent());
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.') < 0 ? name.length() : name.lastIndexOf('.');
        Path tmp = out.resolveSibling(name.substring(0, dot) + ".part" + ProcessHandle.current().pid()
                + name.substring(dot));
        try {
            encoder.encode(tmp);
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return out;
    }
}
