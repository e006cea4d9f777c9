package io.sluice.conf;

import java.util.List;

/**
 * ConfException is a configuration that could not be loaded; it carries every problem found, each
 * as "source: key.path: what is wrong; accepted: accepted values".
 */
public final class ConfException extends Exception {

    private final List<String> problems;

    ConfException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    ConfException(String problem, Throwable cause) {
        super(problem, cause);
        this.problems = List.of(problem);
    }

    /** All problems, in file order as far as the walk allows. */
    public List<String> problems() {
        return problems;
    }
}
