package io.sluice.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.FakeControl;
import io.sluice.control.PathInfo;
import io.sluice.forward.DestState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * MetricsDashboardTest keeps grafana/sluice-dashboard.json in step with the metrics: every metric a panel
 * or variable queries is one a scrape prints, and every query goes to the dashboard's data source variable.
 */
class MetricsDashboardTest {
    private static final Path DASHBOARD = Path.of("grafana/sluice-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b(?:sluice|jvm|process)_[a-z_]+\\b");

    /** The sample names of a scrape in which every Sluice metric has at least one series. */
    static Set<String> scrapedNames() {
        FakeControl c = new FakeControl();
        c.paths.add(new PathInfo("live/cam1", "live/cam1", true, null, null, List.of(), 1, 1, 1, List.of()));
        c.targets.add(MetricsTest.target("live/cam1", "s", "srt", DestState.FORWARDING, "srt://h:1", MetricsTest.SRT_LINK));
        c.targets.add(MetricsTest.target("live/cam1", "w", "whip", DestState.FORWARDING, "whip://h/x",
                MetricsTest.WHIP_LINK));
        Set<String> names = new TreeSet<>();
        for (String line : new String(new SluiceMetrics(c, true).scrape(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.startsWith("#") && !line.isEmpty()) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    static void queries(JsonNode node, List<String> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if ((e.getKey().equals("expr") || e.getKey().equals("definition")) && e.getValue().isString()) {
                    out.add(e.getValue().asString());
                } else {
                    queries(e.getValue(), out);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> queries(n, out));
        }
    }

    @Test
    void everyQueriedMetricIsScraped() throws Exception {
        JsonNode dash = JsonMapper.builder().build().readTree(DASHBOARD.toFile());
        List<String> queries = new ArrayList<>();
        queries(dash, queries);
        assertThat(queries).hasSizeGreaterThan(20);
        Set<String> used = new TreeSet<>();
        for (String q : queries) {
            Matcher m = METRIC.matcher(q);
            while (m.find()) {
                used.add(m.group());
            }
        }
        assertThat(used).contains("sluice_path_publisher_up", "sluice_path_bytes_in_total", "sluice_path_readers",
                "sluice_forward_target_state", "sluice_forward_target_bytes_total",
                "sluice_forward_target_dropped_packets_total", "sluice_forward_target_reconnects_total",
                "sluice_forward_target_rtt_seconds", "sluice_forward_target_loss_ratio", "sluice_sessions",
                "jvm_memory_used_bytes", "jvm_gc_collection_seconds_sum", "jvm_threads_current");
        assertThat(scrapedNames()).containsAll(used);
    }

    @Test
    void panelsQueryTheDataSourceVariable() throws Exception {
        JsonNode dash = JsonMapper.builder().build().readTree(DASHBOARD.toFile());
        JsonNode vars = dash.path("templating").path("list");
        assertThat(vars.get(0).path("type").asString()).isEqualTo("datasource");
        assertThat(vars.get(0).path("query").asString()).isEqualTo("prometheus");
        List<JsonNode> targets = new ArrayList<>();
        for (JsonNode p : dash.path("panels")) {
            p.path("targets").forEach(targets::add);
        }
        assertThat(targets).isNotEmpty().allSatisfy(
                t -> assertThat(t.path("datasource").path("uid").asString()).isEqualTo("${datasource}"));
    }
}
