package io.sluice;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.sluice.conf.Conf;
import io.sluice.conf.ConfException;
import io.sluice.conf.ConfLoader;
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
        Conf conf;
        try {
            conf = args.length == 1 ? ConfLoader.load(Path.of(args[0])) : ConfLoader.defaults();
        } catch (ConfException e) {
            System.err.println("sluice: invalid configuration:");
            for (String p : e.problems()) {
                System.err.println("  " + p);
            }
            System.exit(1);
            return;
        }
        setLogLevel(conf.logLevel());
        Logger log = LoggerFactory.getLogger(Main.class);
        log.info("Sluice {} using {}", version(), args.length == 1 ? args[0] : "the embedded default configuration");
        Server server = new Server(conf);
        try {
            server.start();
        } catch (Exception e) {
            log.error("cannot start: {}", e.toString());
            System.exit(1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("sluice-shutdown").unstarted(() -> {
            log.info("shutting down");
            server.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    private static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static void setLogLevel(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext lc) {
            lc.getLogger("io.sluice").setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
