package io.sluice.control;

import java.util.List;

/**
 * ReadinessInfo says whether the server serves all its configuration asks for, which is what a load
 * balancer's or Kubernetes' readiness probe wants to know before sending it clients.
 *
 * @param state "starting", "running" or "stopping"
 * @param notReady what is not ready, one sentence each (a listener not bound, the server stopping); empty
 *     when ready
 */
public record ReadinessInfo(String state, List<String> notReady) {

    public ReadinessInfo {
        notReady = List.copyOf(notReady);
    }

    /** Ready: running, with every enabled listener bound. */
    public boolean ready() {
        return notReady.isEmpty();
    }
}
