package io.sluice.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.control.FakeControl;
import io.sluice.control.PathInfo;
import io.sluice.forward.DestState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MetricsTextFormatTest reads a full scrape (Sluice and JVM metrics) with an independent parser: the
 * official Python client's ({@code python3-prometheus-client}, installed by {@code ./run-tests}).
 */
class MetricsTextFormatTest {

    /** Prints one line per family ("name type samples") and one per sample ("= name labels value"). */
    private static final String PARSE = """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            for f in text_string_to_metric_families(sys.stdin.read()):
                print(f.name, f.type, len(f.samples))
                for s in f.samples:
                    print('=', s.name, ','.join(k + ':' + v for k, v in sorted(s.labels.items())), repr(s.value))
            """;

    /** The first python3 that has the module: Debian's own first, since a pyenv shim may come before it on PATH. */
    static String python() {
        for (String py : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import prometheus_client.parser").redirectErrorStream(true)
                        .start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return py;
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // not this one; try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    @Test
    @Timeout(60)
    void pythonPrometheusClientParsesAFullScrape() throws Exception {
        String py = python();
        assumeTrue(py != null, "python3 with prometheus_client (apt-get install python3-prometheus-client) missing");
        FakeControl c = new FakeControl();
        c.paths.add(new PathInfo("live/cam \"1\"", "~^live/(\\d+)$", true, null, null, List.of(), 99, 9, 1, List.of("a")));
        c.targets.add(MetricsTest.target("~^live/(\\d+)$", "srt-1", "srt", DestState.FORWARDING, "srt://h:1",
                MetricsTest.SRT_LINK));
        c.targets.add(MetricsTest.target("~^live/(\\d+)$", "whip-1", "whip", DestState.BACKOFF, "whip://h/x",
                MetricsTest.WHIP_LINK));
        c.targets.add(MetricsTest.target("~^live/(\\d+)$", "yt", "rtmp", DestState.CONNECTING, "rtmp://h/a", Map.of()));
        c.sessions.add(MetricsTest.session("1", "rtmp", "publish"));
        byte[] scrape = new SluiceMetrics(c, true).scrape();

        Process p = new ProcessBuilder(py, "-c", PARSE).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(scrape);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("parser exit; output:\n" + out).isZero();

        // the parser names counter families without _total and summaries by their base name
        assertThat(out).contains("sluice_path_bytes_in counter 1\n", "sluice_path_publisher_up gauge 1\n",
                "sluice_forward_target_state gauge " + 3 * DestState.values().length + "\n", "sluice_forward_target_up gauge 3\n",
                "sluice_forward_target_rtt_seconds gauge 2\n", "sluice_forward_target_loss_ratio gauge 1\n",
                "sluice_forward_target_lost_packets counter 2\n", "sluice_sessions gauge 12\n",
                "jvm_memory_used_bytes gauge", "jvm_gc_collection_seconds summary", "jvm_threads_current gauge 1\n");
        assertThat(out).contains(
                "= sluice_path_bytes_in_total path:live/cam \"1\" 99.0\n",
                "= sluice_forward_target_state id:whip-1,path:~^live/(\\d+)$,protocol:whip,state:backoff 1.0\n",
                "= sluice_forward_target_rtt_seconds id:srt-1,path:~^live/(\\d+)$,protocol:srt 0.0125\n",
                "= sluice_sessions protocol:rtmp,role:publish 1.0\n");
    }
}
