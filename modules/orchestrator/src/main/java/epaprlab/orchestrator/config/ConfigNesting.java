package epaprlab.orchestrator.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * How deep objects and lists may sit inside each other in a config (a file or a host request).
 * A real config nests a few levels; a hostile one (thousands of {@code {a={a=...}}}) would
 * overflow the stack of whatever walks it recursively: Typesafe Config's parser and resolver,
 * the loader, the host's request checks. Parsing such a text throws {@link StackOverflowError},
 * which the callers turn into a typed error; a tree that did parse is measured here without
 * recursion and refused when deeper than {@link #MAX_DEPTH}, before anything else walks it.
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

    /** The problem's text after the file (and line) it is in. */
    public static String problem() {
        return "objects or lists nested more than " + MAX_DEPTH + " levels deep (a config needs a few)";
    }
}
