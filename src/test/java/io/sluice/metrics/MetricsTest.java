package io.sluice.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.control.Control.TargetInfo;
import io.sluice.control.FakeControl;
import io.sluice.control.PathInfo;
import io.sluice.control.RefusalCount;
import io.sluice.control.SessionInfo;
import io.sluice.control.SourceState;
import io.sluice.control.SourceStats;
import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import io.sluice.forward.TrackStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private final FakeControl control = new FakeControl();
    private final SluiceMetrics metrics = new SluiceMetrics(control, false);

    static final Map<String, Number> SRT_LINK = Map.of("rttMs", 12.5, "mbpsBandwidth", 42.0, "pktSent", 1000L,
            "pktRetrans", 7L, "pktSndLoss", 3L, "pktSndDrop", 2L, "byteSent", 1_400_000L, "sndBufPkts", 9,
            "sndBufMs", 40, "latencyMs", 120);

    static final Map<String, Number> WHIP_LINK = Map.ofEntries(Map.entry("rttMs", 20.25),
            Map.entry("fractionLost", 0.125), Map.entry("packetsLost", 11L), Map.entry("nacks", 4L),
            Map.entry("nackedPackets", 6L), Map.entry("retransmitted", 5L), Map.entry("plis", 2L), Map.entry("firs", 1L),
            Map.entry("packetsSent", 900L), Map.entry("bytesSent", 800_000L), Map.entry("estimateKbps", 1500L),
            Map.entry("sendKbps", 1000L), Map.entry("queueDelayMs", 12L), Map.entry("keyframeOnly", 1),
            Map.entry("keyframeOnlyDrops", 321L));

    static PathInfo path(String name, boolean ready, long bytesIn, int readers) {
        return new PathInfo(name, name, ready, ready ? Instant.ofEpochSecond(1_700_000_000) : null, null, List.of(),
                bytesIn, bytesIn / 1000, readers, List.of());
    }

    static TargetInfo target(String path, String id, String protocol, DestState state, String url,
            Map<String, Number> link) {
        return new TargetInfo(path, new DestStats(id, url, protocol, state, Instant.ofEpochSecond(1_700_000_100),
                5000, 50, 3, 2, "", null, List.of(TrackStatus.forwarded(0, "H264")), link), "", "", "");
    }

    static SessionInfo session(String id, String protocol, String role) {
        return new SessionInfo(id, protocol, role, "live/cam1", "192.0.2.7:50000", "alice", Instant.EPOCH, 10);
    }

    String text() {
        return new String(metrics.scrape(), StandardCharsets.UTF_8);
    }

    /** The samples of a scrape, by their printed name and labels ({@code name{a="b"}}). */
    Map<String, Double> samples() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : text().split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                int sp = line.lastIndexOf(' ');
                m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
            }
        }
        return m;
    }

    @Test
    void pathsGiveUpBytesPacketsAndReaders() {
        control.paths.add(path("live/cam1", true, 123_456, 2));
        control.paths.add(path("live/cam2", false, 0, 0));
        Map<String, Double> s = samples();
        assertThat(s).containsEntry("sluice_path_publisher_up{path=\"live/cam1\"}", 1.0)
                .containsEntry("sluice_path_publisher_up{path=\"live/cam2\"}", 0.0)
                .containsEntry("sluice_path_bytes_in_total{path=\"live/cam1\"}", 123_456.0)
                .containsEntry("sluice_path_packets_in_total{path=\"live/cam1\"}", 123.0)
                .containsEntry("sluice_path_readers{path=\"live/cam1\"}", 2.0)
                .containsEntry("sluice_path_readers{path=\"live/cam2\"}", 0.0);
        assertThat(text()).contains("# TYPE sluice_path_bytes_in_total counter",
                "# TYPE sluice_path_publisher_up gauge", "# TYPE sluice_path_readers gauge");
    }

    @Test
    void pathsGiveTheirGopCache() {
        control.paths.add(new PathInfo("live/cam1", "live/cam1", true, Instant.ofEpochSecond(1_700_000_000), null,
                List.of(), 1, 1, 0, List.of(), new PathInfo.GopCacheInfo(900, 3_750_000, 4_960, 2), false));
        Map<String, Double> s = samples();
        assertThat(s).containsEntry("sluice_path_gop_cache_bytes{path=\"live/cam1\"}", 3_750_000.0)
                .containsEntry("sluice_path_gop_cache_duration_seconds{path=\"live/cam1\"}", 4.96)
                .containsEntry("sluice_path_gop_cache_overflows_total{path=\"live/cam1\"}", 2.0);
    }

    @Test
    void balancedGroupMembersGiveTheirPathsAndKbps() {
        control.groups.add(new io.sluice.forward.BalancedPool.PoolStats("~^cam", "ingest", false, List.of(
                new io.sluice.forward.BalancedPool.MemberLoad("a", 1, List.of("cam1", "cam2"), 900, null),
                new io.sluice.forward.BalancedPool.MemberLoad("b", 1, List.of(), 0, null))));
        assertThat(samples())
                .containsEntry("sluice_group_member_paths{entry=\"~^cam\",group=\"ingest\",member=\"a\"}", 2.0)
                .containsEntry("sluice_group_member_paths{entry=\"~^cam\",group=\"ingest\",member=\"b\"}", 0.0)
                .containsEntry("sluice_group_member_kbps{entry=\"~^cam\",group=\"ingest\",member=\"a\"}", 900.0);
    }

    @Test
    void refusalsAreCountedByProtocolAndCause() {
        control.refusals.add(new RefusalCount("rtsp", "ip_connections", 7));
        control.refusals.add(new RefusalCount("rtmp", "bad_path_name", 1));
        Map<String, Double> s = samples();
        assertThat(s).containsEntry("sluice_refused_total{cause=\"ip_connections\",protocol=\"rtsp\"}", 7.0)
                .containsEntry("sluice_refused_total{cause=\"bad_path_name\",protocol=\"rtmp\"}", 1.0);
        assertThat(text()).contains("# TYPE sluice_refused_total counter");
    }

    @Test
    void targetsGiveStateUpAndCounters() {
        control.targets.add(target("live/cam1", "yt", "rtmp", DestState.FORWARDING, "rtmp://a/b/***", Map.of()));
        control.targets.add(target("live/cam1", "backup", "rtsp", DestState.BACKOFF, "rtsp://c/d", Map.of()));
        Map<String, Double> s = samples();
        String yt = "id=\"yt\",path=\"live/cam1\",protocol=\"rtmp\"";
        String backup = "id=\"backup\",path=\"live/cam1\",protocol=\"rtsp\"";
        assertThat(s).containsEntry("sluice_forward_target_up{" + yt + "}", 1.0)
                .containsEntry("sluice_forward_target_up{" + backup + "}", 0.0)
                .containsEntry("sluice_forward_target_bytes_total{" + yt + "}", 5000.0)
                .containsEntry("sluice_forward_target_packets_total{" + yt + "}", 50.0)
                .containsEntry("sluice_forward_target_dropped_packets_total{" + yt + "}", 3.0)
                .containsEntry("sluice_forward_target_reconnects_total{" + yt + "}", 2.0)
                .containsEntry("sluice_forward_target_skipped_tracks{" + yt + "}", 0.0)
                .containsEntry("sluice_forward_target_state_since_timestamp_seconds{" + yt + "}", 1.7000001E9);
        // one series per state, exactly one of them 1
        for (DestState st : DestState.values()) {
            String name = st.name().toLowerCase(java.util.Locale.ROOT);
            assertThat(s).containsEntry("sluice_forward_target_state{" + yt + ",state=\"" + name + "\"}",
                    st == DestState.FORWARDING ? 1.0 : 0.0);
            assertThat(s).containsEntry("sluice_forward_target_state{" + backup + ",state=\"" + name + "\"}",
                    st == DestState.BACKOFF ? 1.0 : 0.0);
        }
        assertThat(s.keySet().stream().filter(k -> k.startsWith("sluice_forward_target_state{"))).hasSize(2 * DestState.values().length);
        // RTMP and RTSP report no link figures: no RTT series rather than a made-up 0
        assertThat(text()).doesNotContain("sluice_forward_target_rtt_seconds");
    }

    @Test
    void pullSourcesGiveStateUpAndCountersByPath() {
        control.paths.add(path("plain", true, 1000, 0));
        control.paths.add(new PathInfo("cam", "cam", true, Instant.ofEpochSecond(1_700_000_000), null, List.of(), 900,
                9, 0, List.of(), PathInfo.GopCacheInfo.NONE, false, new SourceStats("rtspSource", "rtsp://***@c/s",
                        SourceState.READY, Instant.ofEpochSecond(1_700_000_200), 7000, 70, 4, "", null,
                        List.of("H264"), Map.of())));
        control.paths.add(new PathInfo("cam2", "cam2", false, null, null, List.of(), 0, 0, 0, List.of(),
                PathInfo.GopCacheInfo.NONE, false, new SourceStats("srtSource", "srt://c:9", SourceState.BACKOFF,
                        Instant.ofEpochSecond(1_700_000_300), 0, 0, 1, "refused", Instant.ofEpochSecond(1_700_000_302),
                        List.of(), Map.of())));
        Map<String, Double> s = samples();
        String cam = "path=\"cam\",type=\"rtspSource\"";
        String cam2 = "path=\"cam2\",type=\"srtSource\"";
        assertThat(s).containsEntry("sluice_source_up{" + cam + "}", 1.0)
                .containsEntry("sluice_source_up{" + cam2 + "}", 0.0)
                .containsEntry("sluice_source_bytes_total{" + cam + "}", 7000.0)
                .containsEntry("sluice_source_packets_total{" + cam + "}", 70.0)
                .containsEntry("sluice_source_reconnects_total{" + cam + "}", 4.0)
                .containsEntry("sluice_source_reconnects_total{" + cam2 + "}", 1.0)
                .containsEntry("sluice_source_state_since_timestamp_seconds{" + cam2 + "}", 1.7000003E9);
        for (SourceState st : SourceState.values()) {
            String name = st.name().toLowerCase(java.util.Locale.ROOT);
            assertThat(s).containsEntry("sluice_source_state{path=\"cam\",state=\"" + name + "\",type=\"rtspSource\"}",
                    st == SourceState.READY ? 1.0 : 0.0);
            assertThat(s).containsEntry("sluice_source_state{path=\"cam2\",state=\"" + name + "\",type=\"srtSource\"}",
                    st == SourceState.BACKOFF ? 1.0 : 0.0);
        }
        assertThat(s.keySet()).as("a path that waits for a publisher has no source series")
                .noneMatch(k -> k.startsWith("sluice_source_") && k.contains("\"plain\""));
        assertThat(text()).doesNotContain("rtsp://");
    }

    @Test
    void srtFiguresBecomeSecondsAndCounters() {
        control.targets.add(target("live/cam1", "srt1", "srt", DestState.FORWARDING, "srt://h:1", SRT_LINK));
        Map<String, Double> s = samples();
        String l = "{id=\"srt1\",path=\"live/cam1\",protocol=\"srt\"}";
        assertThat(s.get("sluice_forward_target_rtt_seconds" + l)).isCloseTo(0.0125, within(1e-12));
        assertThat(s.get("sluice_forward_target_send_buffer_seconds" + l)).isCloseTo(0.040, within(1e-12));
        assertThat(s.get("sluice_forward_target_latency_seconds" + l)).isCloseTo(0.120, within(1e-12));
        assertThat(s).containsEntry("sluice_forward_target_bandwidth_estimate_bytes_per_second" + l, 42e6 / 8)
                .containsEntry("sluice_forward_target_lost_packets_total" + l, 3.0)
                .containsEntry("sluice_forward_target_retransmitted_packets_total" + l, 7.0)
                .containsEntry("sluice_forward_target_late_dropped_packets_total" + l, 2.0)
                .doesNotContainKey("sluice_forward_target_loss_ratio" + l)
                .doesNotContainKey("sluice_forward_target_nacks_total" + l);
    }

    @Test
    void whipFiguresAreSummedPerMetricAndUnknownOnesLeftOut() {
        control.targets.add(target("live/cam1", "w", "whip", DestState.FORWARDING, "whip://h/x", WHIP_LINK));
        Map<String, Number> fresh = new LinkedHashMap<>(WHIP_LINK);
        fresh.put("rttMs", -1);
        fresh.put("fractionLost", -1);
        fresh.put("someNewFigure", 99);
        control.targets.add(target("live/cam1", "w2", "whip", DestState.CONNECTING, "whip://h/y", fresh));
        Map<String, Double> s = samples();
        String l = "{id=\"w\",path=\"live/cam1\",protocol=\"whip\"}";
        String l2 = "{id=\"w2\",path=\"live/cam1\",protocol=\"whip\"}";
        assertThat(s.get("sluice_forward_target_rtt_seconds" + l)).isCloseTo(0.02025, within(1e-12));
        assertThat(s).containsEntry("sluice_forward_target_loss_ratio" + l, 0.125)
                .containsEntry("sluice_forward_target_lost_packets_total" + l, 11.0)
                .containsEntry("sluice_forward_target_retransmitted_packets_total" + l, 5.0)
                .containsEntry("sluice_forward_target_nacks_total" + l, 4.0)
                .containsEntry("sluice_forward_target_keyframe_requests_total" + l, 3.0)
                .containsEntry("sluice_forward_target_link_estimate_bits_per_second" + l, 1_500_000.0)
                .containsEntry("sluice_forward_target_link_send_bits_per_second" + l, 1_000_000.0)
                .containsEntry("sluice_forward_target_link_keyframe_only" + l, 1.0)
                .containsEntry("sluice_forward_target_link_keyframe_only_dropped_packets_total" + l, 321.0)
                // -1 = no receiver report yet: no series, not a negative RTT
                .doesNotContainKey("sluice_forward_target_rtt_seconds" + l2)
                .doesNotContainKey("sluice_forward_target_loss_ratio" + l2)
                .containsEntry("sluice_forward_target_nacks_total" + l2, 4.0);
        assertThat(text()).doesNotContainIgnoringCase("someNewFigure").doesNotContain("99.0");
    }

    @Test
    void removedTargetsAndPathsDisappearFromTheNextScrape() {
        control.paths.add(path("live/cam1", true, 1, 0));
        control.paths.add(path("live/gone", true, 1, 0));
        control.targets.add(target("live/cam1", "keep", "srt", DestState.FORWARDING, "srt://h:1", SRT_LINK));
        control.targets.add(target("live/cam1", "drop", "srt", DestState.FORWARDING, "srt://h:2", SRT_LINK));
        assertThat(text()).contains("id=\"drop\"", "path=\"live/gone\"");

        control.paths.removeIf(p -> p.name().equals("live/gone"));
        control.targets.removeIf(t -> t.stats().id().equals("drop"));
        String after = text();
        assertThat(after).doesNotContain("id=\"drop\"").doesNotContain("live/gone").contains("id=\"keep\"");

        control.paths.clear();
        control.targets.clear();
        assertThat(text()).doesNotContain("sluice_path_").doesNotContain("sluice_forward_target_")
                .contains("sluice_sessions{protocol=\"rtsp\",role=\"read\"} 0.0");
    }

    @Test
    void sessionsAreCountedByProtocolAndRoleWithZeroForIdleProtocols() {
        control.sessions.add(session("1", "rtsp", "read"));
        control.sessions.add(session("2", "rtsp", "read"));
        control.sessions.add(session("3", "srt", "publish"));
        control.sessions.add(session("4", "webrtc", "read"));
        Map<String, Double> s = samples();
        assertThat(s).containsEntry("sluice_sessions{protocol=\"rtsp\",role=\"read\"}", 2.0)
                .containsEntry("sluice_sessions{protocol=\"srt\",role=\"publish\"}", 1.0)
                .containsEntry("sluice_sessions{protocol=\"webrtc\",role=\"read\"}", 1.0)
                .containsEntry("sluice_sessions{protocol=\"rtmps\",role=\"publish\"}", 0.0);
        assertThat(s.keySet().stream().filter(k -> k.startsWith("sluice_sessions{"))).hasSize(12);
    }

    @Test
    void noCredentialsUrlsOrClientAddressesInTheOutput() {
        control.paths.add(path("live/cam1", true, 1, 1));
        control.targets.add(new TargetInfo("live/cam1", new DestStats("yt", "rtmp://bob:s3cret@a.example/live/KEY",
                "rtmp", DestState.BACKOFF, Instant.EPOCH, 0, 0, 0, 0, "connect rtmp://bob:s3cret@a.example: refused",
                Instant.EPOCH, List.of(), Map.of()), "", "", ""));
        control.targets.add(target("live/cam1", "s", "srt", DestState.FORWARDING,
                "srt://h:1?passphrase=hunter2hunter2", SRT_LINK));
        control.sessions.add(session("sess-1", "rtsp", "read"));
        String t = text();
        assertThat(t).doesNotContain("s3cret", "bob", "hunter2", "KEY", "a.example", "://", "192.0.2.7", "alice",
                "sess-1", "refused");
    }

    @Test
    void repeatedLabelsKeepTheFirstInsteadOfFailingTheScrape() {
        control.paths.add(path("live/cam1", true, 10, 0));
        control.paths.add(path("live/cam1", true, 20, 0));
        control.targets.add(target("p", "same", "srt", DestState.FORWARDING, "srt://h:1", SRT_LINK));
        control.targets.add(target("p", "same", "srt", DestState.BACKOFF, "srt://h:1", SRT_LINK));
        Map<String, Double> s = samples();
        assertThat(s).containsEntry("sluice_path_bytes_in_total{path=\"live/cam1\"}", 10.0)
                .containsEntry("sluice_forward_target_up{id=\"same\",path=\"p\",protocol=\"srt\"}", 1.0);
    }

    @Test
    void labelValuesAreEscaped() {
        control.targets.add(target("~^live/(\\d+)\"x", "a", "rtsp", DestState.IDLE, "rtsp://h", Map.of()));
        assertThat(text()).contains("sluice_forward_target_up{id=\"a\",path=\"~^live/(\\\\d+)\\\"x\",protocol=\"rtsp\"} 0.0");
    }

    @Test
    void jvmMetricsShareTheRegistryWhenAsked() {
        String withJvm = new String(new SluiceMetrics(control, true).scrape(), StandardCharsets.UTF_8);
        assertThat(withJvm).contains("jvm_memory_used_bytes{area=\"heap\"}", "# TYPE jvm_gc_collection_seconds summary",
                "jvm_threads_current ", "jvm_threads_state{state=\"RUNNABLE\"}", "process_cpu_seconds_total ",
                "sluice_sessions{");
        assertThat(text()).doesNotContain("jvm_");
    }

    @Test
    void contentTypeIsTextFormat004() {
        assertThat(SluiceMetrics.CONTENT_TYPE).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    }
}
