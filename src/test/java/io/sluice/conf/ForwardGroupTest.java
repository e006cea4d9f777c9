package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ForwardGroupTest {

    @Test
    void forwardGroupsAndWeightAreRead() throws Exception {
        ConfDocument doc = ConfDocument.parse("""
                paths:
                  "~^cam([0-9]+)$":
                    forwardGroups:
                      ingest: {mode: balance, rebalance: yes}
                      old: {mode: failover}
                    forwardTargets:
                      - {id: a, url: rtmp://a.example/live/$MTX_PATH, group: ingest, weight: 3}
                      - {id: b, url: rtmp://b.example/live/$MTX_PATH, group: ingest}
                      - {id: c, url: rtmp://c.example/live/$MTX_PATH, group: old}
                      - {id: d, url: rtmp://d.example/live/$MTX_PATH, group: other}
                """, "g.yml");
        assertThat(doc.warnings()).isEmpty();
        PathConf p = doc.conf().pathFor("cam1");
        assertThat(p.forwardGroups()).isEqualTo(Map.of(
                "ingest", new ForwardGroup("ingest", ForwardGroup.Mode.BALANCE, true),
                "old", new ForwardGroup("old", ForwardGroup.Mode.FAILOVER, false)));
        assertThat(p.forwardGroup("other")).isEqualTo(ForwardGroup.failover("other"));
        assertThat(p.forwardTargets()).extracting(ForwardDest::weight).containsExactly(3, 1, 1, 1);
    }

    @Test
    void aBadModeOrWeightIsAnErrorNamingTheValue() {
        assertThatThrownBy(() -> ConfLoader.parse("""
                paths:
                  p:
                    forwardGroups:
                      g: {mode: roundrobin, sticky: yes}
                      "bad name": {mode: balance}
                    forwardTargets:
                      - {url: rtmp://a.example/live/k, group: g, weight: 0}
                      - {url: rtmp://b.example/live/k, group: g, weight: many}
                """, "g.yml")).isInstanceOfSatisfying(ConfException.class, e -> assertThat(e.problems())
                .anySatisfy(m -> assertThat(m).isEqualTo(
                        "g.yml: paths.p.forwardGroups.g.mode: unknown mode 'roundrobin'; accepted: failover, balance"))
                .anySatisfy(m -> assertThat(m).startsWith("g.yml: paths.p.forwardGroups.g.sticky: unknown key"))
                .anySatisfy(m -> assertThat(m).startsWith("g.yml: paths.p.forwardGroups.bad name: invalid group"))
                .anySatisfy(m -> assertThat(m).isEqualTo(
                        "g.yml: paths.p.forwardTargets[0].weight: weight 0 out of range; accepted: an integer 1..1000"))
                .anySatisfy(m -> assertThat(m).startsWith("g.yml: paths.p.forwardTargets[1].weight: wrong type")));
    }

    @Test
    void aGroupNoTargetUsesAndRebalanceOrWeightOutsideBalanceAreWarnings() throws Exception {
        ConfDocument doc = ConfDocument.parse("""
                paths:
                  p:
                    forwardGroups:
                      ingset: {mode: balance}
                      f: {rebalance: yes}
                    forwardTargets:
                      - {url: rtmp://a.example/live/k, group: ingest}
                      - {id: b, url: rtmp://b.example/live/k, group: f, weight: 2}
                """, "g.yml");
        assertThat(doc.warnings()).containsExactlyInAnyOrder(
                "g.yml: paths.p.forwardGroups.f.rebalance: has no effect in a failover group",
                "g.yml: paths.p.forwardTargets.b.weight: has no effect outside a balanced group ('f' is a failover group)",
                "g.yml: paths.p.forwardGroups.ingset: no target of this path entry has group: ingset");
        assertThat(doc.conf().pathFor("p").forwardGroup("ingest").mode()).isEqualTo(ForwardGroup.Mode.FAILOVER);
    }
}
