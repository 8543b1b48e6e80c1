package epaprlab.orchestrator.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Console patterns under a step budget: sane ones match as before, a backtracking one gives up. */
@Timeout(30)
class BoundedMatchTest {
    @Test
    void aNormalPatternFindsItsMatchAndItsEnd() throws Exception {
        assertEquals(10, BoundedMatch.find(Pattern.compile("=> $"), "U-Boot\n=> "));
        assertEquals(-1, BoundedMatch.find(Pattern.compile("^FAIL"), "all tests passed"));
        StringBuilder window = new StringBuilder("boot 1 reason power-on\n");   // the snapshot trigger's window
        assertEquals(23, BoundedMatch.find(Pattern.compile("boot 1 reason power-on\\n"), window));
    }

    @Test
    void aQuadraticPatternOverAWholeLongLineStaysWithinTheBudget() throws Exception {
        String line = "x".repeat(4096);        // .* from every start to the end and back: about 25 million reads
        assertEquals(-1, BoundedMatch.find(Pattern.compile(".*foo"), line));
        String boot = ("[    0.000000] " + "y".repeat(64) + "\n").repeat(800);    // a console step's 64 KiB of boot log
        assertEquals(boot.length() + 7, BoundedMatch.find(Pattern.compile(".*login: $"), boot + "login: "));
    }

    @Test
    void aCatastrophicBacktrackGivesUpAndSaysWhereItCameFrom() {
        String line = "hello from " + "a".repeat(45) + " (32-bit, has-reset=yes, has-shutdown=yes)";
        BoundedMatch.Runaway e = assertThrows(BoundedMatch.Runaway.class,
                () -> BoundedMatch.find(Pattern.compile("(.*a){12}x"), line));
        assertEquals("vm v: result.pass-pattern /(.*a){12}x/ gave up after 50000000 steps on " + line.length()
                + " chars of console text: a runaway regular expression in the lab's config, not a guest fault (make it linear)",
                e.detail("v", "result.pass-pattern"));
    }

    @Test
    void theBudgetGrowsWithTheTextAboveItsFloor() {
        assertEquals(BoundedMatch.MIN_STEPS, BoundedMatch.budget(0));
        assertEquals(65_536_000, BoundedMatch.budget(64 * 1024));
    }
}
