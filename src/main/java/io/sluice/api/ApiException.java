package io.sluice.api;

import java.util.List;

/**
 * ApiException is a request the API refuses before it reaches the control plane: an unknown route (404),
 * a wrong method (405), a body that is not a JSON object (400), a bad query value (400).
 */
final class ApiException extends Exception {
    private final int status;
    private final List<String> allow;

    ApiException(int status, String problem) {
        this(status, problem, List.of());
    }

    /** @param allow for a 405, the methods the route accepts (the Allow header) */
    ApiException(int status, String problem, List<String> allow) {
        super(problem);
        this.status = status;
        this.allow = List.copyOf(allow);
    }

    int status() {
        return status;
    }

    List<String> allow() {
        return allow;
    }
}
