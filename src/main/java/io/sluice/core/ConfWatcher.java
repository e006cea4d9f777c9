package io.sluice.core;

import io.sluice.threads.SluiceThreads;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ConfWatcher reloads the configuration when its file changes (hot reload). It watches the file's
 * directory, because editors often save by writing a new file and renaming it over the old one, waits
 * for writes to settle, and skips events that leave the content as it was.
 */
public final class ConfWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfWatcher.class);
    /** Editors write in several steps; one reload after the last of them. */
    static final Duration SETTLE = Duration.ofMillis(300);

    private final Path file;
    private final Runnable reload;
    private final WatchService watch;
    private final Thread thread;
    private volatile byte[] last;

    public ConfWatcher(Path file, Runnable reload) throws IOException {
        this.file = file.toAbsolutePath();
        this.reload = reload;
        this.watch = FileSystems.getDefault().newWatchService();
        this.file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        this.last = read();
        this.thread = SluiceThreads.startPlatform("conf-watch", true, this::run);
        LOG.info("watching {} for changes", this.file);
    }

    private byte[] read() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watch.take();
                boolean ours = false;
                do {
                    for (WatchEvent<?> e : key.pollEvents()) {
                        ours |= e.context() instanceof Path p && p.equals(file.getFileName());
                    }
                    key.reset();
                    key = watch.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS); // more writes coming?
                } while (key != null);
                if (!ours) {
                    continue;
                }
                byte[] now = read();
                if (now == null || Arrays.equals(now, last)) {
                    continue; // deleted (the rename of a save in progress) or touched without change
                }
                last = now;
                try {
                    reload.run();
                } catch (RuntimeException e) {
                    LOG.error("reload failed", e);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException e) {
            LOG.debug("closing the watch service", e);
        }
        thread.interrupt();
        // a reload in progress finishes first (it is bounded by the server's own start/stop timeouts)
        if (!SluiceThreads.join(thread, Duration.ofSeconds(10))) {
            LOG.warn("{} did not end within 10 s", thread.getName());
        }
    }
}
