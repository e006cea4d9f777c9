package io.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.conf.Conf;
import io.sluice.conf.ConfDocument;
import io.sluice.core.ConfChanges.Part;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfChangesTest {

    @Test
    void everySettingSaysWhatItAffects() {
        // a new Conf component must be classified, or a reload would restart everything for it
        assertThat(ConfChanges.EFFECTS.keySet()).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(Conf.class.getRecordComponents()).map(RecordComponent::getName).toList());
    }

    @Test
    void onlyTheChangedPartsAreTouched() throws Exception {
        ConfDocument d = ConfDocument.parse("rtspAddress: :8554\npaths:\n  a: {}\n", "t.yml");
        Conf c = d.conf();
        assertThat(ConfChanges.between(c, c)).isEmpty();
        assertThat(ConfChanges.between(c, d.withGlobalPatched(Map.of("rtmpAddress", ":1999"), "t").conf()))
                .containsExactly(Part.RTMP);
        assertThat(ConfChanges.between(c, d.withGlobalPatched(Map.of("readTimeout", "3s"), "t").conf()))
                .containsExactly(Part.LIVE);
        assertThat(ConfChanges.between(c, d.withPath("b", Map.of(), "t").conf())).containsExactly(Part.PATHS);
    }

    @Test
    void settingsAppliedLiveAreComponentsOfTheirRecord() {
        ConfChanges.APPLIED_LIVE.forEach((component, live) -> {
            Class<?> type = Arrays.stream(Conf.class.getRecordComponents())
                    .filter(c -> c.getName().equals(component)).findFirst().orElseThrow().getType();
            assertThat(Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList())
                    .as(component).containsAll(live);
        });
    }

    @Test
    void rtspTransportsApplyWithoutRestartingRtsp() throws Exception {
        ConfDocument d = ConfDocument.parse("rtspAddress: :8554\n", "t.yml");
        Conf c = d.conf();
        assertThat(ConfChanges.between(c, d.withGlobalPatched(Map.of("rtspTransports", java.util.List.of("tcp")), "t")
                .conf())).containsExactly(Part.LIVE);
        assertThat(ConfChanges.between(c, d.withGlobalPatched(Map.of("rtspTransports", java.util.List.of("tcp"),
                "rtpAddress", ":9000"), "t").conf())).containsExactly(Part.RTSP);
        assertThat(ConfChanges.between(c, d.withGlobalPatched(Map.of("logLevel", "debug", "writeQueueSize", 64,
                "gopCacheMaxBytes", 0, "maxPaths", 3), "t").conf())).containsExactly(Part.LIVE);
        assertThat(ConfChanges.between(c, d.withGlobalPatched(Map.of("srtAddress", ":9890", "apiAddress", ":9000",
                "metricsAddress", ":9001", "webrtcICEServers", java.util.List.of("stun:h:1")), "t").conf()))
                .containsExactlyInAnyOrder(Part.SRT, Part.API, Part.METRICS, Part.WEBRTC);
    }

    @Test
    void aServerSwitchTouchesOnlyThatServer() throws Exception {
        ConfDocument d = ConfDocument.parse("rtspAddress: :8554\n", "t.yml");
        Conf c = d.conf();
        assertThat(ConfChanges.between(c, d.withGlobalPatched(Map.of("rtsp", "no", "api", false), "t").conf()))
                .containsExactlyInAnyOrder(Part.RTSP, Part.API);
    }

    @Test
    void aTlsSettingRestartsOnlyTheListenerItEncrypts() throws Exception {
        ConfDocument d = ConfDocument.parse("rtspAddress: :8554\n", "t.yml");
        Conf c = d.conf();
        assertThat(ConfChanges.between(c, d.withGlobalPatched(Map.of("rtspsAddress", ":9322"), "t").conf()))
                .containsExactly(Part.RTSP);
        assertThat(ConfChanges.between(c, d.withGlobalPatched(Map.of("rtspEncryption", "optional",
                "rtspServerKey", "/k.pem", "rtspServerCert", "/c.pem"), "t").conf())).containsExactly(Part.RTSP);
        assertThat(ConfChanges.between(c, d.withGlobalPatched(Map.of("apiEncryption", "yes",
                "apiServerKey", "/k.pem", "apiServerCert", "/c.pem"), "t").conf())).containsExactly(Part.API);
        assertThat(ConfChanges.between(c, d.withGlobalPatched(Map.of("metricsServerKey", "/k.pem"), "t").conf()))
                .containsExactly(Part.METRICS);
        assertThat(ConfChanges.between(c, d.withGlobalPatched(Map.of("webrtcServerCert", "/c.pem"), "t").conf()))
                .containsExactly(Part.WEBRTC);
    }
}
