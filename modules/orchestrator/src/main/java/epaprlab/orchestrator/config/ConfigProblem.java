package epaprlab.orchestrator.config;

import com.typesafe.config.ConfigOrigin;

/**
 * A configuration the user must fix. The message always names the file and, where known, the
 * line and the key: {@code sample-vms/hello.conf:4: vm.cpu: unknown cpu model "e600" ...}.
 */
public sealed abstract class ConfigProblem extends Exception {
    private ConfigProblem(String message, Throwable cause) {
        super(message, cause);
    }

    /** The file cannot be read or parsed (HOCON syntax). */
    public static final class Unreadable extends ConfigProblem {
        public Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A key has a value that is missing, of the wrong type or out of range, or is unknown. */
    public static final class BadValue extends ConfigProblem {
        private final String key;

        public BadValue(ConfigOrigin origin, String key, String problem) {
            super(where(origin) + key + ": " + problem, null);
            this.key = key;
        }

        public String key() { return key; }
    }

    /** Renders an origin as {@code file:line: } (just {@code file: } when there is no line). */
    static String where(ConfigOrigin origin) {
        if (origin == null) return "";
        String file = origin.filename() != null ? origin.filename()
                : origin.resource() != null ? origin.resource() : origin.description();
        return origin.lineNumber() > 0 ? file + ":" + origin.lineNumber() + ": " : file + ": ";
    }
}
