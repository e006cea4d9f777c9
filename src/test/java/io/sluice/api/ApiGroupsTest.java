package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.FakeControl;
import io.sluice.forward.BalancedPool.MemberLoad;
import io.sluice.forward.BalancedPool.PoolStats;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiGroupsTest {
    private final FakeControl control = FakeControl.sample();
    @RegisterExtension
    final ApiTestClient api = new ApiTestClient(control);

    @Test
    void listsEachMembersPathsAndLoad() throws Exception {
        control.groups.add(new PoolStats("~^cam([0-9]+)$", "ingest", false, List.of(
                new MemberLoad("a", 2, List.of("cam1", "cam3"), 1800, null),
                new MemberLoad("b", 1, List.of(), 0, FakeControl.T0))));
        JsonNode j = api.get("/v3/forwardgroups/list").json();
        assertThat(j.get("itemCount").asInt()).isEqualTo(1);
        assertThat(j.get("items").get(0)).isEqualTo(ApiTestClient.JSON.readTree("""
                {"entry":"~^cam([0-9]+)$","group":"ingest","rebalance":false,"members":[
                  {"id":"a","weight":2,"paths":["cam1","cam3"],"kbps":1800,"retryAt":null},
                  {"id":"b","weight":1,"paths":[],"kbps":0,"retryAt":"2026-01-02T03:04:05Z"}]}
                """));
    }
}
