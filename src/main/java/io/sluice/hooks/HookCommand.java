package io.sluice.hooks;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * HookCommand turns a hook's command line into the program and arguments to run, as mediamtx does on Unix:
 * the line is split into words without a shell (on blanks; '...' keeps everything literal, "..." honours
 * backslash before \ " $ and `, a backslash outside quotes escapes the next character), then $NAME and
 * ${NAME} in each word are replaced with the hook's variable of that name, else Sluice's own environment
 * variable, else nothing. No shell means no pipes, redirections, globs or &&: a hook that needs them is
 * written {@code sh -c '...'} (its $VARIABLES are then replaced before sh sees them, as in mediamtx, and are
 * in its environment too).
 */
final class HookCommand {

    private HookCommand() {
    }

    /** The words of a command line, quotes removed; the message of the exception names the line. */
    static List<String> split(String line) throws HookCommandException {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
                continue;
            }
            inWord = true;
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new HookCommandException("unterminated ' quote in command: " + line);
                }
                word.append(line, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(line, i + 1, word);
            } else if (c == '\\') {
                if (i + 1 < line.length()) {
                    word.append(line.charAt(i + 1));
                }
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw new HookCommandException("empty command");
        }
        return words;
    }

    /** Appends a "..." string that starts at from; returns the index after its closing quote. */
    private static int doubleQuoted(String line, int from, StringBuilder word) throws HookCommandException {
        int i = from;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < line.length() && "\\\"$`\n".indexOf(line.charAt(i + 1)) >= 0) {
                word.append(line.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        throw new HookCommandException("unterminated \" quote in command: " + line);
    }

    /** Replaces $NAME and ${NAME} in s; a $ not followed by a name stays as written. */
    static String expand(String s, UnaryOperator<String> lookup) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '$' || i + 1 == s.length()) {
                out.append(c);
                i++;
                continue;
            }
            int start;
            int end;
            int next;
            if (s.charAt(i + 1) == '{') {
                start = i + 2;
                end = s.indexOf('}', start);
                if (end < 0) {
                    out.append(c);
                    i++;
                    continue;
                }
                next = end + 1;
            } else {
                start = i + 1;
                end = start;
                while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')
                        && s.charAt(end) < 128) {
                    end++;
                }
                next = end;
            }
            if (end == start) {
                out.append(c);
                i++;
                continue;
            }
            String value = lookup.apply(s.substring(start, end));
            out.append(value == null ? "" : value);
            i = next;
        }
        return out.toString();
    }

    /**
     * The program and arguments of a command line for a hook's variables: split, then each word expanded
     * (variables first, then the process environment).
     */
    static List<String> argv(String line, Map<String, String> vars, Map<String, String> processEnv)
            throws HookCommandException {
        UnaryOperator<String> lookup = name -> vars.containsKey(name) ? vars.get(name) : processEnv.get(name);
        return split(line).stream().map(w -> expand(w, lookup)).toList();
    }

    /**
     * The program as it will be run: a name with a slash as it is, any other looked up in PATH, so that a
     * missing program is an error naming it rather than an exit status of 1 from setsid.
     */
    static String resolve(String program, String pathVariable) throws HookCommandException {
        if (program.contains("/")) {
            if (!Files.isExecutable(Path.of(program))) {
                throw new HookCommandException("'" + program + "' is not an executable file");
            }
            return program;
        }
        for (String dir : (pathVariable == null ? "" : pathVariable).split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new HookCommandException("'" + program + "' not found in PATH (" + pathVariable + ")");
    }
}
