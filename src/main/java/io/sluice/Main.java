package io.sluice;

import io.sluice.conf.Conf;
import io.sluice.conf.ConfDocument;
import io.sluice.conf.ConfException;
import io.sluice.core.ConfWatcher;
import io.sluice.core.LogOutput;
import io.sluice.core.Server;
import io.sluice.net.srt.Srt;
import io.sluice.threads.SluiceThreads;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Main runs Sluice: load the configuration, start the server, wait for SIGINT/SIGTERM, stop.
 *
 * <p>Shutdown order, all in the one {@code sluice-shutdown} hook, which is registered before
 * anything binds (a SIGTERM during start-up must find someone to close what start-up opened;
 * otherwise libsrt's cleanup waited forever for a listener nobody would close): stop the config
 * watcher, close the server (abort a start in progress, then listeners, paths and forwarders,
 * loops), then shut libsrt down. Every step is bounded; if libsrt could not be cleaned up, the
 * process ends at once (see {@link Srt#shutdown()}). A SIGTERM, also during start-up, ends the
 * process with the JVM's status for it, 143.
 */
public final class Main {
    /** How long the hook waits for the server to close before it goes on without it. */
    static final long CLOSE_WAIT_MS = 15_000;
    /** The status of a signal-initiated exit (128 + SIGTERM); the JVM's own for SIGTERM. */
    static final int SIGTERM_STATUS = 143;

    private final Server server;
    private final Logger log;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Guarded by this: set by the hook; after it, start-up creates nothing more. */
    private boolean stopping;
    private ConfWatcher watcher;
    /** The status the process ends with if the hook must halt it: 143 unless Main itself exits. */
    private volatile int exitStatus = SIGTERM_STATUS;

    private Main(Server server, Logger log) {
        this.server = server;
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--train")) {
            // the AOT cache's training run (./sluice); exit() ends it even if a library left a thread behind
            System.exit(Training.run());
        }
        if (args.length > 1 || args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.err.println("usage: sluice [CONFIG.yml]   (no argument: the embedded default configuration)\n"
                    + "       sluice --train       (the AOT cache's training workload: see Training)");
            System.exit(2);
        }
        ConfDocument doc;
        try {
            doc = args.length == 1 ? ConfDocument.load(Path.of(args[0])) : ConfDocument.embedded();
        } catch (ConfException e) {
            System.err.println("sluice: invalid configuration:");
            for (String p : e.problems()) {
                System.err.println("  " + p);
            }
            System.exit(1);
            return;
        }
        Conf conf = doc.conf();
        LogOutput.apply(conf.log());
        Logger log = LoggerFactory.getLogger(Main.class);
        log.info("Sluice {} using {}", version(), args.length == 1 ? args[0] : "the embedded default configuration");
        new Main(new Server(doc), log).run(args.length == 1 ? Path.of(args[0]) : null);
    }

    private void run(Path confFile) throws InterruptedException {
        try {
            Runtime.getRuntime().addShutdownHook(SluiceThreads.platform("shutdown", false).newThread(this::shutdown));
        } catch (IllegalStateException e) {
            // SIGTERM before anything was opened: the JVM is already exiting (with 143), nothing to close
            return;
        }
        Srt.takeOverShutdown();
        try {
            server.start();
            synchronized (this) {
                if (!stopping && confFile != null) {
                    watcher = new ConfWatcher(confFile, server.reloader()::reloadFile);
                }
            }
        } catch (Exception e) {
            if (isStopping()) {
                // the hook closed the server under the start-up (SIGTERM): the JVM exits with 143
                log.info("start-up interrupted by shutdown: {}", e.getMessage());
            } else {
                log.error("cannot start: {}", e.toString());
                exitStatus = 1;
                System.exit(1);
            }
        }
        stopped.await();
    }

    private synchronized boolean isStopping() {
        return stopping;
    }

    /** The shutdown hook. */
    private void shutdown() {
        log.info("shutting down");
        ConfWatcher w;
        synchronized (this) {
            stopping = true;
            w = watcher;
        }
        if (w != null) {
            w.close();
        }
        // Server.close() is bounded by its components' own timeouts; the bound here makes sure a bug in
        // one of them cannot keep the process alive: it then ends without waiting for it.
        Thread closer = SluiceThreads.startPlatform("close", false, server::close);
        try {
            closer.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            log.warn("the server did not close within {} ms; exiting without waiting for it", CLOSE_WAIT_MS);
        }
        if (!Srt.shutdown()) {
            Srt.halt(exitStatus);
        }
        stopped.countDown();
    }

    private static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
