package epaprlab.host.api;

import java.util.Optional;

/** Query parameters (and the headers that stand for them) read strictly: a bad value is a 400 naming it. */
final class Query {
    private Query() {}

    /** A bad parameter: the request's fault, answered 400 with {@code name} as the field. */
    static final class Bad extends RuntimeException {
        private final String name;

        Bad(String name, String message) {
            super(message);
            this.name = name;
        }

        String name() { return name; }
    }

    /** A byte offset or sequence number: a whole number >= 0, 0 when absent. */
    static long offset(String name, Optional<String> value) {
        if (value.isEmpty()) return 0;
        try {
            long v = Long.parseLong(value.get().strip());
            if (v >= 0) return v;
        } catch (NumberFormatException notANumber) {
            // answered below, with the value
        }
        throw new Bad(name, "%s must be a whole number >= 0, got \"%s\"".formatted(name, value.get()));
    }

    /** {@code true} or {@code false}; true when absent. */
    static boolean flag(String name, Optional<String> value) {
        if (value.isEmpty() || value.get().equals("true")) return true;
        if (value.get().equals("false")) return false;
        throw new Bad(name, "%s must be true or false, got \"%s\"".formatted(name, value.get()));
    }
}
