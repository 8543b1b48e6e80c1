package epaprlab.ppc.cpu;

import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The engine's {@code -Depaprlab.*} system properties and the values each one takes. The classes
 * that use a property read it themselves; this is where a value they would misread is refused: a
 * typo ({@code region-page-cache=ture}), a number out of range ({@code region-page-slots=9}, which
 * was clamped to 3) or not a number ({@code compile-threshold=10_000}, which {@link
 * Integer#getInteger} turns into the default) is an error naming the property and what it takes.
 * {@code PropertiesAreKnownTest} keeps this list and the sources' property names equal.
 */
public final class EngineProperties {
    private EngineProperties() {}

    /** One property: its name (after {@code -D}) and the values it accepts. */
    public sealed interface Rule permits Whole, Choice, HexWord {
        String name();

        /** Why {@code value} is refused, or empty when it is accepted. */
        Optional<String> problem(String value);
    }

    /** A whole number from {@code min} to {@code max}, as {@link Integer#decode} reads it. */
    public record Whole(String name, int min, int max) implements Rule {
        @Override public Optional<String> problem(String value) {
            try {
                int n = Integer.decode(value);
                if (n >= min && n <= max) return Optional.empty();
            } catch (NumberFormatException notANumber) {
                // named below with the range
            }
            return Optional.of(max == Integer.MAX_VALUE ? "must be a whole number >= " + min
                    : "must be a whole number from " + min + " to " + max);
        }
    }

    /** One of a fixed set of words, exactly as written. */
    public record Choice(String name, List<String> values) implements Rule {
        public Choice(String name, String... values) {
            this(name, List.of(values));
        }

        @Override public Optional<String> problem(String value) {
            if (values.contains(value)) return Optional.empty();
            return Optional.of("must be " + String.join(", ", values.subList(0, values.size() - 1)) + " or " + values.getLast());
        }
    }

    /** A 32-bit word in hexadecimal, {@code 0x} optional. */
    public record HexWord(String name) implements Rule {
        @Override public Optional<String> problem(String value) {
            try {
                Integer.parseUnsignedInt(value.replaceFirst("^0[xX]", ""), 16);
                return Optional.empty();
            } catch (NumberFormatException notAWord) {
                return Optional.of("must be a 32-bit instruction word in hexadecimal (0x7c7f1b78)");
            }
        }
    }

    /** Every property the engine reads, with the bounds its setters enforce. */
    public static final List<Rule> RULES = List.of(
            new Choice("epaprlab.tier", "region", "block"),
            new Whole("epaprlab.compile-threshold", 0, Integer.MAX_VALUE),
            new Choice("epaprlab.compile-sync", "true", "false"),
            new Whole("epaprlab.code-cache-blocks", 1, Integer.MAX_VALUE),
            new Whole("epaprlab.code-cache-regions", 1, Integer.MAX_VALUE),
            new Whole("epaprlab.region-instructions", 1, Integer.MAX_VALUE),
            new Whole("epaprlab.region-loop-instructions", 0, 1024),
            new Whole("epaprlab.region-hot-instructions", 1, Integer.MAX_VALUE),
            new Whole("epaprlab.region-warm-calls", 0, Integer.MAX_VALUE),
            new Whole("epaprlab.region-page-slots", 1, 3),
            new Choice("epaprlab.region-page-cache", "hot", "true", "false"),
            new Choice("epaprlab.region-cr-compares", "hot", "true", "false"),
            new Choice("epaprlab.region-fpr-locals", "true", "false"),
            new HexWord(Cpu.FAULT_WORD_PROPERTY));

    /**
     * The first property of {@code rules} set in {@code properties} to a value it does not take,
     * as one line: {@code -Depaprlab.region-page-slots=9: must be a whole number from 1 to 3}.
     */
    public static Optional<String> problem(List<Rule> rules, Properties properties) {
        for (Rule r : rules) {
            String value = properties.getProperty(r.name());
            if (value == null) continue;
            Optional<String> why = r.problem(value);
            if (why.isPresent()) return Optional.of("-D" + r.name() + "=" + value + ": " + why.get());
        }
        return Optional.empty();
    }

    /** The names of {@code rules}, comma-separated, for a message listing what is known. */
    public static String names(List<Rule> rules) {
        return rules.stream().map(Rule::name).collect(Collectors.joining(", "));
    }

    /** This JVM's engine properties when the first CPU is made, checked once (a holder: reading {@link #RULES} does not check). */
    private static final class AtStart {
        static final Optional<String> PROBLEM = problem(RULES, System.getProperties());
    }

    /**
     * Refuses an engine property set in this JVM that the engine would misread; made
     * on the caller's thread when a CPU is made (on the compiler thread a bad setting would only
     * leave every region untranslated). The CLI checks the same before any command runs.
     *
     * @throws IllegalArgumentException naming the property, its value and what it takes
     */
    public static void check() {
        if (AtStart.PROBLEM.isPresent()) throw new IllegalArgumentException(AtStart.PROBLEM.get());
    }
}
