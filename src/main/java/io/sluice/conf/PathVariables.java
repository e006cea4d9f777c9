package io.sluice.conf;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PathVariables expands mediamtx's variables in a forward target's URL for one stream path: {@code $MTX_PATH}
 * is the path's name and {@code $G1}, {@code $G2}... the groups of the regex entry's match of it, so that one
 * "~^cam(\d+)$" entry forwards each camera under its own name. A variable with no value (a group the regex
 * does not have) stays as written, and the connection attempt then names it in its error.
 */
final class PathVariables {

    private static final Pattern VARIABLE = Pattern.compile("\\$(MTX_PATH|G(\\d{1,2}))");

    private PathVariables() {
    }

    static boolean hasVariables(String s) {
        return VARIABLE.matcher(s).find();
    }

    /** @param groups the regex match's groups, groups.get(0) being $G1; empty for an exact or catch-all entry */
    static String expand(String s, String pathName, List<String> groups) {
        Matcher m = VARIABLE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value;
            if (m.group(2) == null) {
                value = pathName;
            } else {
                int i = Integer.parseInt(m.group(2));
                value = i >= 1 && i <= groups.size() && groups.get(i - 1) != null ? groups.get(i - 1) : m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The groups of pattern's first match in pathName ($G1 first); empty when it does not match. */
    static List<String> groups(Pattern pattern, String pathName) {
        Matcher m = pattern.matcher(pathName);
        List<String> out = new ArrayList<>();
        if (m.find()) {
            for (int i = 1; i <= m.groupCount(); i++) {
                out.add(m.group(i));
            }
        }
        return out;
    }
}
