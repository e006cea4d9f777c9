package io.sluice.conf;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * IoConf is how every session and forward target reads and writes: mediamtx's general timeouts and the
 * bounded queue of each reader. Servers and targets read it when a session or an attempt starts, so a
 * change applies to the next ones without a restart.
 *
 * @param readTimeout how long a connection may stay silent before it is closed
 * @param writeTimeout how long a write may block before the connection is closed
 * @param writeQueueSize per reader/forwarder bounded queue, in packets
 */
public record IoConf(Duration readTimeout, Duration writeTimeout, int writeQueueSize) {

    static final int MAX_WRITE_QUEUE_SIZE = 1 << 20;

    static final Key<Duration> READ_TIMEOUT = Key.positive("readTimeout", Duration.ofSeconds(10));
    static final Key<Duration> WRITE_TIMEOUT = Key.positive("writeTimeout", Duration.ofSeconds(10));
    static final Key<Integer> WRITE_QUEUE_SIZE = Key.of("writeQueueSize", 512, v -> {
        int q = ConfNode.integer(v, "1.." + MAX_WRITE_QUEUE_SIZE);
        checkWriteQueueSize(q);
        return q;
    });

    static final KeyTable<IoConf> KEYS = new KeyTable<>(List.of(READ_TIMEOUT, WRITE_TIMEOUT, WRITE_QUEUE_SIZE),
            READ_TIMEOUT, v -> new IoConf(v.get(READ_TIMEOUT), v.get(WRITE_TIMEOUT), v.get(WRITE_QUEUE_SIZE)));

    public static final IoConf DEFAULT = KEYS.defaults();

    public IoConf {
        ForwardDest.checkPositive(Objects.requireNonNull(readTimeout, "readTimeout"));
        ForwardDest.checkPositive(Objects.requireNonNull(writeTimeout, "writeTimeout"));
        checkWriteQueueSize(writeQueueSize);
    }

    static void checkWriteQueueSize(int n) {
        if (n < 1 || n > MAX_WRITE_QUEUE_SIZE) {
            throw new BadValue("writeQueueSize " + n + " out of range", "1.." + MAX_WRITE_QUEUE_SIZE);
        }
    }
}
