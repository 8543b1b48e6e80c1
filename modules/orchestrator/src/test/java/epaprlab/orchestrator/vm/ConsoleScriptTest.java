package epaprlab.orchestrator.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import epaprlab.orchestrator.config.VmConfig.ConsoleStep;
import epaprlab.orchestrator.console.BoundedMatch;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The console steps' matching on its own: chunks, prompts without a newline, several steps at once. */
class ConsoleScriptTest {
    static ConsoleStep step(int n, String wait, String send) {
        return new ConsoleStep(n, Pattern.compile(wait), Optional.ofNullable(send), Duration.ofSeconds(1));
    }

    final ConsoleStep prompt = step(1, "=> $", "version");
    final ConsoleStep version = step(2, "U-Boot \\d+", null);
    final ConsoleStep again = step(3, "=> $", "reset");

    @Test
    void aPromptWithoutNewlineMatchesAcrossChunks() throws Exception {
        ConsoleScript s = new ConsoleScript(List.of(prompt, version));
        assertEquals(List.of(), s.onOutput("booting...\n="));
        assertEquals(Optional.of(prompt), s.current());
        assertEquals(List.of(prompt), s.onOutput("> "));
        assertEquals(Optional.of(version), s.current());
    }

    @Test
    void theNextStepSeesOnlyWhatCameAfterTheLastMatch() throws Exception {
        ConsoleScript s = new ConsoleScript(List.of(prompt, version, again));
        assertEquals(List.of(prompt), s.onOutput("U-Boot 2023\n=> "));   // the banner came before the prompt
        assertEquals(List.of(), s.onOutput("version\n"));
        assertEquals(List.of(version, again), s.onOutput("U-Boot 2023.01\n=> "), "one chunk can complete several");
        assertEquals(Optional.empty(), s.current());
        assertEquals(List.of(), s.onOutput("=> "), "done: nothing more matches");
    }

    @Test
    void oldOutputIsDroppedBeyondTheLimit() throws Exception {
        ConsoleScript s = new ConsoleScript(List.of(step(1, "^start", null)));
        assertEquals(List.of(), s.onOutput("x".repeat(10)));
        assertEquals(List.of(), s.onOutput("start" + "y".repeat(ConsoleScript.MAX_SEEN)));
        assertEquals(Optional.of(1), s.current().map(ConsoleStep::number), "the kept tail no longer starts with it");
    }

    @Test
    void aRunawayStepPatternGivesUpAndStaysTheWaitingStep() throws Exception {
        ConsoleScript s = new ConsoleScript(List.of(prompt, step(2, "(.*a){12}x", null)));
        assertEquals(List.of(prompt), s.onOutput("=> "));
        assertThrows(BoundedMatch.Runaway.class, () -> s.onOutput("a".repeat(45) + "\n"));
        assertEquals(Optional.of(2), s.current().map(ConsoleStep::number), "the supervisor names this step");
    }
}
