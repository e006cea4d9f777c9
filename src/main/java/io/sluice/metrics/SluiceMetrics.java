package io.sluice.metrics;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.sluice.control.Control;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * SluiceMetrics is the server's Prometheus registry: paths, forward targets and sessions read from
 * {@link Control} at each scrape, plus the client library's JVM and process metrics (heap and pools,
 * GC time, threads, buffer pools, CPU, file descriptors). Written in the Prometheus text format 0.0.4.
 *
 * <p>Thread-safe: scrapes may run concurrently; each reads Control afresh, on the caller's thread (so a
 * listener on an event loop should hand {@code /metrics} to a thread that may block briefly).
 *
 * <p>Build one per process with {@code jvm} true, and keep it across reloads: the JVM collectors add
 * GC notification listeners to the platform MXBeans that are never removed.
 */
public final class SluiceMetrics {

    /** The content type of {@link #write}'s output. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /**
     * @param control what the Sluice metrics are read from
     * @param jvm whether to add the JVM and process metrics
     */
    public SluiceMetrics(Control control, boolean jvm) {
        registry.register(new ControlCollector(control));
        if (jvm) {
            // Built from empty properties: the library's default builder() would read a
            // prometheus.properties file and system properties, configuration Sluice does not own.
            JvmMetrics.builder(PrometheusProperties.builder().build()).register(registry);
        }
    }

    /** Writes every metric in the Prometheus text format 0.0.4 ({@link #CONTENT_TYPE}). */
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    }

    /** Every metric in the Prometheus text format 0.0.4, UTF-8. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen writing to memory", e);
        }
        return out.toByteArray();
    }
}
