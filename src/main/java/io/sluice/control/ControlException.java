package io.sluice.control;

import java.util.List;

/**
 * ControlException is a refused change: an HTTP-like status (400 invalid, 404 unknown, 409 conflict) and
 * one message per problem, the same messages the configuration file gets.
 */
public final class ControlException extends Exception {
    private final int status;
    private final List<String> problems;

    public ControlException(int status, List<String> problems) {
        super(String.join("\n", problems));
        this.status = status;
        this.problems = List.copyOf(problems);
    }

    public ControlException(int status, String problem) {
        this(status, List.of(problem));
    }

    public int status() {
        return status;
    }

    public List<String> problems() {
        return problems;
    }
}
