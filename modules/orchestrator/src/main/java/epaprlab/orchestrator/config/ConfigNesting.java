package epaprlab.orchestrator.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How deep objects and lists may sit inside each other in a config (a file or a host request).
 * A real config nests a few levels; a hostile one (thousands of {@code {a={a=...}}}) would
 * overflow the stack of whatever walks it recursively: Typesafe Config's parser and resolver,
 * the loader, the host's request checks. Parsing such a text throws {@link StackOverflowError},
 * which the callers turn into a typed error; a tree that did parse is measured here without
 * recursion and refused when deeper than {@link #MAX_DEPTH}, before anything else walks it.
 * {@link #tooDeep(CharSequence)} looks at the text before it is parsed, so that even a nesting
 * deep enough to overflow the parser is refused with the line it goes too deep at.
 */
public final class ConfigNesting {
    /** Objects and lists inside each other, the root object counting as 1. */
    public static final int MAX_DEPTH = 64;

    private ConfigNesting() {}

    /** The first value nested deeper than {@link #MAX_DEPTH}, by its origin (file and line), if any. */
    public static Optional<ConfigOrigin> tooDeep(ConfigValue root) {
        record At(ConfigValue value, int depth) {}
        ArrayDeque<At> todo = new ArrayDeque<>();
        todo.push(new At(root, 1));
        while (!todo.isEmpty()) {
            At at = todo.pop();
            if (at.depth() > MAX_DEPTH) return Optional.of(at.value().origin());
            if (at.value() instanceof ConfigObject o) {
                for (ConfigValue v : o.values()) todo.push(new At(v, at.depth() + 1));
            } else if (at.value() instanceof ConfigList l) {
                for (ConfigValue v : l) todo.push(new At(v, at.depth() + 1));
            }
        }
        return Optional.empty();
    }

    /**
     * The line at which HOCON {@code text} opens its first object or list deeper than
     * {@link #MAX_DEPTH}, found by counting brackets outside strings, comments and substitutions
     * (no recursion, so any depth is measured). The same depth as {@link #tooDeep(ConfigValue)}
     * measures after parsing: the root object counts as 1, whether its braces are written or not.
     * Text the parser would refuse anyway (unbalanced brackets) is left to the parser.
     */
    public static OptionalInt tooDeep(CharSequence text) {
        int n = text.length(), line = 1, depth = 0, i = 0;
        for (boolean skipped = true; skipped && i < n; ) {     // blanks and comments before the root
            char ch = text.charAt(i);
            skipped = Character.isWhitespace(ch) || ch == '\uFEFF' || ch == '#' || ch == '/' && i + 1 < n && text.charAt(i + 1) == '/';
            if (ch == '#' || ch == '/') {
                while (i < n && text.charAt(i) != '\n') i++;
            } else if (skipped) {
                if (ch == '\n') line++;
                i++;
            }
        }
        if (i >= n || text.charAt(i) != '{') depth = 1;     // the root object without its braces
        while (i < n) {
            char ch = text.charAt(i);
            if (ch == '\n') {
                line++;
                i++;
            } else if (ch == '#' || ch == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                while (i < n && text.charAt(i) != '\n') i++;
            } else if (ch == '"') {
                int end = stringEnd(text, i);
                line += newlines(text, i, end);
                i = end;
            } else if (ch == '$' && i + 1 < n && text.charAt(i + 1) == '{') {
                for (i += 2; i < n && text.charAt(i) != '}' && text.charAt(i) != '\n'; ) {
                    i = text.charAt(i) == '"' ? stringEnd(text, i) : i + 1;
                }
                if (i < n && text.charAt(i) == '}') i++;     // the substitution's own brace closes no object
            } else {
                if (ch == '{' || ch == '[') {
                    if (++depth > MAX_DEPTH) return OptionalInt.of(line);
                } else if (ch == '}' || ch == ']') {
                    depth--;
                }
                i++;
            }
        }
        return OptionalInt.empty();
    }

    /** The index after the quoted string that starts at {@code start} ("..." with escapes, or """..."""). */
    private static int stringEnd(CharSequence text, int start) {
        int n = text.length();
        if (start + 2 < n && text.charAt(start + 1) == '"' && text.charAt(start + 2) == '"') {
            int i = start + 3;
            while (i + 2 < n && !(text.charAt(i) == '"' && text.charAt(i + 1) == '"' && text.charAt(i + 2) == '"')) i++;
            i = Math.min(n, i + 3);
            while (i < n && text.charAt(i) == '"') i++;      // quotes before the closing three belong to the string
            return i;
        }
        int i = start + 1;
        while (i < n && text.charAt(i) != '"' && text.charAt(i) != '\n') i += text.charAt(i) == '\\' ? 2 : 1;
        return Math.min(n, i + 1);
    }

    private static int newlines(CharSequence text, int from, int to) {
        int count = 0;
        for (int i = from; i < to; i++) if (text.charAt(i) == '\n') count++;
        return count;
    }

    /** The problem's text after the file (and line) it is in. */
    public static String problem() {
        return "objects or lists nested more than " + MAX_DEPTH + " levels deep (a config needs a few)";
    }
}
