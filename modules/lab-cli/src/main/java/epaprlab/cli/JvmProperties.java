package epaprlab.cli;

import epaprlab.orchestrator.config.HeapBudget;
import epaprlab.ppc.cpu.EngineProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code -Depaprlab.*} properties a user may give the JVM ({@code EPAPR_LAB_JAVA_OPTS}),
 * checked before any command runs: a value the product would misread, or a name it does not
 * read at all (a misspelt {@code -Depaprlab.region-page-slot=3} did nothing), is one line naming
 * the property and what it takes (exit 2).
 */
final class JvmProperties {
    private JvmProperties() {}

    private static final String PREFIX = "epaprlab.";
    /** Set by {@code bin/epapr-lab} itself: where the installation is. */
    private static final String HOME = "epaprlab.home";

    static final List<EngineProperties.Rule> RULES;
    static {
        List<EngineProperties.Rule> rules = new ArrayList<>(EngineProperties.RULES);
        rules.add(HeapBudget.PROPERTY);
        RULES = List.copyOf(rules);
    }

    /** The first {@code epaprlab.*} property of {@code properties} that is unknown or has a value it does not take. */
    static Optional<String> problem(Properties properties) {
        Set<String> known = new TreeSet<>();
        for (EngineProperties.Rule r : RULES) known.add(r.name());
        known.add(HOME);
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            if (name.startsWith(PREFIX) && !known.contains(name)) {
                return Optional.of("-D" + name + "=" + properties.getProperty(name) + ": not a property of epapr-lab (known: "
                        + EngineProperties.names(RULES) + ")");
            }
        }
        return EngineProperties.problem(RULES, properties);
    }
}
