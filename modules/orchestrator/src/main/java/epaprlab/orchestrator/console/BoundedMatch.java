package epaprlab.orchestrator.console;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a console pattern ({@code result.pass-pattern}, {@code fail-pattern}, a console step's
 * {@code wait}, {@code snapshot.console-pattern}) in console text with a step budget.
 * {@code java.util.regex} backtracks, so a pattern such as {@code (.*a){12}x} can take hours on one
 * line, on a vCPU or supervisor thread that nothing interrupts (not even the wall-clock timer,
 * which needs that thread). The matcher reads the text through a wrapper that counts its
 * {@code charAt} reads and gives up past the budget: the VM then ends, it does not hang.
 *
 * <p>The budget, {@code max(50,000,000, 1,000 × text length)} reads, is far above what a sane
 * pattern needs: a linear pattern reads each char a few times per start position, and even a
 * quadratic one such as {@code .*foo} over a whole line of 4 KiB (the default
 * {@code console.max-line}) reads about 25 million. Giving up costs 0.1 to 1.3 s of one thread
 * (measured warm and cold on a loaded host), once per VM: it then matches no pattern any more.
 */
public final class BoundedMatch {
    /** Reads allowed per char of the text. */
    public static final long STEPS_PER_CHAR = 1_000;
    /** Reads allowed however short the text. */
    public static final long MIN_STEPS = 50_000_000;

    private BoundedMatch() {}

    /** The reads a match over {@code length} chars may make. */
    public static long budget(int length) {
        return Math.max(MIN_STEPS, STEPS_PER_CHAR * length);
    }

    /**
     * The end of {@code pattern}'s first match in {@code text}, or -1 when there is none.
     *
     * @throws Runaway when the match needed more reads than {@link #budget} allows
     */
    public static int find(Pattern pattern, CharSequence text) throws Runaway {
        Counted counted = new Counted(text, budget(text.length()));
        try {
            Matcher m = pattern.matcher(counted);
            return m.find() ? m.end() : -1;
        } catch (OverBudget e) {
            throw new Runaway(pattern, text.length(), counted.budget);
        }
    }

    /** A match that ran out of its budget: the pattern backtracks without end on this text. */
    public static final class Runaway extends Exception {
        private final Pattern pattern;

        Runaway(Pattern pattern, int length, long budget) {
            super("gave up after " + budget + " steps on " + length + " chars of console text");
            this.pattern = pattern;
        }

        public Pattern pattern() { return pattern; }

        /** Why VM {@code vm} ended, naming the config {@code key} that holds the pattern. */
        public String detail(String vm, String key) {
            return "vm " + vm + ": " + key + " /" + pattern.pattern() + "/ " + getMessage()
                    + ": a runaway regular expression in the lab's config, not a guest fault (make it linear)";
        }
    }

    /** Thrown out of the matcher by {@link Counted#charAt}; no stack trace, it is caught right away. */
    private static final class OverBudget extends RuntimeException {
        OverBudget() { super(null, null, false, false); }
    }

    /** The text as the matcher sees it: every read counted. */
    private static final class Counted implements CharSequence {
        private final CharSequence text;
        private final long budget;
        private long left;

        Counted(CharSequence text, long budget) {
            this.text = text;
            this.budget = budget;
            this.left = budget;
        }

        @Override public char charAt(int index) {
            if (--left < 0) throw new OverBudget();
            return text.charAt(index);
        }

        @Override public int length() { return text.length(); }

        @Override public CharSequence subSequence(int start, int end) { return text.subSequence(start, end); }

        @Override public String toString() { return text.toString(); }
    }
}
