package io.sluice;

import io.sluice.conf.Conf;
import io.sluice.conf.ConfException;
import io.sluice.conf.ConfDocument;
import io.sluice.core.ConfWatcher;
import io.sluice.core.LogLevels;
import io.sluice.core.Server;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Main runs Sluice: load the configuration, start the server, wait for SIGINT/SIGTERM, stop. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 1 || args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.err.println("usage: sluice [CONFIG.yml]   (no argument: the embedded default configuration)");
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
        LogLevels.set(conf.logLevel());
        Logger log = LoggerFactory.getLogger(Main.class);
        log.info("Sluice {} using {}", version(), args.length == 1 ? args[0] : "the embedded default configuration");
        Server server = new Server(doc);
        ConfWatcher watcher = null;
        try {
            server.start();
            if (args.length == 1) {
                watcher = new ConfWatcher(Path.of(args[0]), server.reloader()::reloadFile);
            }
        } catch (Exception e) {
            log.error("cannot start: {}", e.toString());
            System.exit(1);
        }
        ConfWatcher w = watcher;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("sluice-shutdown").unstarted(() -> {
            log.info("shutting down");
            if (w != null) {
                w.close();
            }
            server.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    private static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
