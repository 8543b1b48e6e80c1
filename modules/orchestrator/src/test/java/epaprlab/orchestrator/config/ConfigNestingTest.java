package epaprlab.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * The text pre-scan measures the depth of brackets as Typesafe Config's parser builds them: at 64
 * levels both accept, at 65 both refuse, whatever strings, comments and substitutions around the
 * brackets hold. (The parsed check also counts scalars as a level; the pre-scan only has to stop
 * the parser's recursion, so it never refuses what the parsed check accepts.)
 */
@Timeout(30)
class ConfigNestingTest {
    record Case(String name, String text) {}

    /** {@code levels} objects inside each other under the root, with decoys around them. */
    private static String nested(int levels, boolean rootBraces) {
        StringBuilder b = new StringBuilder("// leading comment {[\n# another {\n");
        if (rootBraces) b.append("{\n");
        b.append("s = \"quoted {[ \\\" still quoted [\"\nt = \"\"\"triple { [\n\"\"\"\nu = ${?NO_SUCH_VAR_EPAPR}\n");
        for (int i = 0; i < levels; i++) b.append("k").append(i).append(" { # {{ [[\n");
        b.append("v = [{}, []]\n");     // brackets only: a scalar here would be one level more to the parsed check
        for (int i = 0; i < levels; i++) b.append("}\n");
        if (rootBraces) b.append("}\n");
        return b.toString();
    }

    @TestFactory
    Stream<DynamicTest> thePreScanAgreesWithTheParsedTree() {
        return Stream.of(61, 62, 63).flatMap(levels -> Stream.of(true, false).map(braces ->
                new Case(levels + (braces ? " with root braces" : " without"), nested(levels, braces))))
            .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                boolean parsedTooDeep = ConfigNesting.tooDeep(ConfigFactory.parseString(c.text()).root()).isPresent();
                OptionalInt line = ConfigNesting.tooDeep(c.text());
                assertEquals(parsedTooDeep, line.isPresent(), c.name() + ": pre-scan " + line);
            }));
    }

    @TestFactory
    Stream<DynamicTest> theLineIsTheOneThatGoesTooDeep() {
        // list depth: root 1, v's list 2 + 62 inner lists = 64; one more list is 65
        String fits = "v = " + "[\n".repeat(63) + "]".repeat(63) + "\n";
        String scalar = "v = " + "[\n".repeat(63) + "1" + "]".repeat(63) + "\n";
        String over = "v = " + "[\n".repeat(64) + "]".repeat(64) + "\n";
        return Stream.of(
                DynamicTest.dynamicTest("64 levels", () -> assertEquals(OptionalInt.empty(), ConfigNesting.tooDeep(fits))),
                DynamicTest.dynamicTest("65 levels", () -> assertEquals(OptionalInt.of(64), ConfigNesting.tooDeep(over))),
                DynamicTest.dynamicTest("parser agrees", () -> {
                    assertEquals(false, ConfigNesting.tooDeep(ConfigFactory.parseString(fits).root()).isPresent());
                    assertEquals(OptionalInt.empty(), ConfigNesting.tooDeep(scalar));
                    assertEquals(true, ConfigNesting.tooDeep(ConfigFactory.parseString(scalar).root()).isPresent());
                    assertEquals(64, ConfigNesting.tooDeep(ConfigFactory.parseString(over).root()).orElseThrow().lineNumber());
                }));
    }
}
