package io.sluice.conf;

/**
 * PathNameException is a path name that breaks {@link PathNames}' rule; the message quotes the name
 * (control characters escaped) and says which character, at which offset, or that it is too long.
 */
public final class PathNameException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String subject;
    private final String what;
    private final transient String name;
    private final int offset;

    /**
     * @param subject "path name 'a b' " (the name quoted, control characters escaped)
     * @param what "has a space (U+0020) at offset 1"
     */
    PathNameException(String subject, String what, String name, int offset) {
        super(subject + what + "; accepted: " + PathNames.RULE);
        this.subject = subject;
        this.what = what;
        this.name = name;
        this.offset = offset;
    }

    /** What is wrong, without the rule: "path name 'a b' has a space (U+0020) at offset 1". */
    public String problem() {
        return subject + what;
    }

    /** What is wrong without quoting the name, for replies that must not echo it: "has a space (U+0020) at offset 1". */
    public String what() {
        return what;
    }

    /** The refused name as given. */
    public String name() {
        return name;
    }

    /** Offset of the first offending character, or of the length bound; -1 for an empty name. */
    public int offset() {
        return offset;
    }
}
