package epaprlab.ppc.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.decode.DecodeTable;
import epaprlab.ppc.mem.GuestMemory;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The region tier's tiering around its hot forms: a hot translation that throws is counted and
 * leaves the first one running; a block inside a loop of a hot form gets a region of its own only
 * while its page's code is not rewritten too often; a bad page-cache setting is refused.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegionTieringTest {
    private static final int ORIGIN = 0x1000;
    /** Word index (in the page) of the loop's block that the hot form does not enter. */
    private static final int INNER = 3;
    private static final int PATCHED = 0x1100;

    /**
     * {@code top: addi r3,r3,imm; andi. r7,r3,1; beq mid; addi r4,r4,1; mid: bdnz top; b .} at
     * ORIGIN: the hot form enters the loop only at {@code top} (and {@code b .} on its own), so
     * {@code addi r4} (word 3) is a block its first form enters and its hot form does not.
     */
    private static Cpu loop(int imm) {
        GuestMemory ram = new GuestMemory(64 * 1024);
        int[] code = {0x38630000 | imm, 0x70670001, 0x41820008, 0x38840001, 0x4200FFF0, 0x48000000};
        for (int k = 0; k < code.length; k++) ram.store32(ORIGIN + 4L * k, code[k]);
        Cpu c = new Cpu(CpuModel.E500MC, ram);
        c.setRegionTier(true);
        c.setCompileThreshold(1);
        c.setCompileSynchronously(true);
        return c;
    }

    private static void runAt(Cpu c, long pc, long budget) {
        c.setPc(pc);
        c.setCtr(1_000_000);
        assertEquals(StopReason.BUDGET, c.run(budget));
    }

    /** The plan a CPU selects from page word {@code start} of the loop's page. */
    private static RegionCompiler.Plan plan(Cpu c, int start) {
        return RegionCompiler.select(DecodeTable.forModel(CpuModel.E500MC), false, false,
                new CpuState(CpuModel.E500MC, c.memory()), ORIGIN, start, RegionCompiler.maxInstructions());
    }

    private static int freshImm() { return 1 + (int) (System.nanoTime() & 0x3FFF); }   // words no other test translated

    @Test
    void aHotTranslationThatThrowsIsCountedAndTheFirstOneKeepsRunning() {
        int saved = Interpreter.regionHotInstructions();
        BiFunction<DecodeTable, RegionCompiler.Plan, Region> translator = RegionCache.hotTranslator;
        try {
            Interpreter.setRegionHotInstructions(1_000);
            RegionCache.hotTranslator = (t, p) -> { throw new IllegalStateException("host failure (test)"); };
            int imm = freshImm();
            Cpu c = loop(imm);
            runAt(c, ORIGIN, 20);
            RegionCache.Entry e = RegionCache.find(plan(c, 0));
            assertNotNull(e, "translated at its first run");
            Region first = e.compiled;
            assertNotNull(first);
            long failures = RegionCache.hotFailures(), hot = Interpreter.regionsRetranslated();
            runAt(c, ORIGIN, 5_000);        // past the hot threshold: the hot translation throws
            assertEquals(failures + 1, RegionCache.hotFailures(), "the failure is counted");
            assertEquals(hot, Interpreter.regionsRetranslated());
            assertSame(first, e.compiled, "the first translation stays");
            e.used = false;
            runAt(c, ORIGIN, 3_000);
            assertTrue(e.used, "and keeps running");
            Cpu reference = loop(imm);
            reference.setCompileThreshold(0);               // the interpreter alone
            for (long budget : new long[] {20, 5_000, 3_000}) runAt(reference, ORIGIN, budget);
            assertEquals(reference.gpr(3), c.gpr(3));
            assertEquals(reference.gpr(4), c.gpr(4));
            assertEquals(reference.ctr(), c.ctr());
        } finally {
            RegionCache.hotTranslator = translator;
            Interpreter.setRegionHotInstructions(saved);
        }
    }

    /**
     * A block inside a loop of a hot form ({@link Region#NOT_ENTERED}) gets a region of its own,
     * but not when its page's code was found rewritten more than the
     * churn limit allows: then it stays interpreted like every new block of that page.
     */
    @Test
    void aBlockTheHotFormDoesNotEnterGetsItsOwnRegionUnlessThePageChurns() {
        int saved = Interpreter.regionHotInstructions();
        try {
            Interpreter.setRegionHotInstructions(1_000);
            for (boolean churn : new boolean[] {false, true}) {
                int imm = freshImm();
                Cpu c = loop(imm);
                runAt(c, ORIGIN, 20);                       // the first form
                runAt(c, ORIGIN + 4 * INNER, 20);           // entered at the inner block
                RegionCache.Entry e = RegionCache.find(plan(c, 0));
                Region first = e.compiled;
                runAt(c, ORIGIN, 5_000);                    // hot: the hot form replaces it
                assertNotSame(first, e.compiled, "the hot form replaced the first");
                if (churn) {
                    // code rewritten at another offset of the page, each version run: stale regions
                    for (int k = 1; k <= 70; k++) {
                        c.memory().store32(PATCHED, 0x38A50000 | (imm + k));   // addi r5,r5,imm+k
                        c.memory().store32(PATCHED + 4, 0x4200FFFC);             // bdnz .-4
                        runAt(c, PATCHED, 10);
                    }
                }
                long r4 = c.gpr(4);
                runAt(c, ORIGIN + 4 * INNER, 5);            // NOT_ENTERED: its own region, or none
                assertEquals(r4 + 1, c.gpr(4));
                RegionCache.Entry own = RegionCache.find(plan(c, INNER));
                if (churn) {
                    assertNull(own, "a page past the churn limit gets no new region");
                } else {
                    assertNotNull(own, "the inner block got a region of its own");
                    assertNotNull(own.compiled);
                }
            }
        } finally {
            Interpreter.setRegionHotInstructions(saved);
        }
    }

    /**
     * The background compiler warms a new region before a CPU gets it: its calls on a CPU with no
     * room ({@link RegionCache#warm}) get the JIT to compile its {@code run} method, which otherwise
     * starts in the JVM's bytecode interpreter. Seen through JFR's compilation events; without the
     * warm-up calls ({@code -Dtest.region-warm-calls=0}) no compilation of it ever comes. The warm-up
     * is off by default; the test turns it on.
     */
    @Test
    void aWarmedRegionIsCompiledByTheJitBeforeAnyCpuRunsIt() throws Exception {
        Cpu c = loop(freshImm());
        RegionCompiler.Plan p = plan(c, 0);
        Region r = RegionCompiler.define(DecodeTable.forModel(CpuModel.E500MC), p);
        assertNotNull(r);
        String name = r.getClass().getName();
        CountDownLatch compiled = new CountDownLatch(1);
        int saved = RegionCache.warmCalls();
        try (AutoCloseable jfr = compilationsOf(name, compiled)) {
            RegionCache.setWarmCalls(Integer.getInteger("test.region-warm-calls", 20_000));
            RegionCache.warm(r, p);
            assertTrue(compiled.await(40, TimeUnit.SECONDS), "no JIT compilation of " + name + ".run after "
                    + RegionCache.warmCalls() + " warm-up calls");
        } finally {
            RegionCache.setWarmCalls(saved);
        }
    }

    /**
     * A JFR stream (started) that counts {@code done} down at a JIT compilation of {@code type}'s
     * {@code run}. Through reflection: this test module (epaprlab.ppc, no dependencies) does not
     * read jdk.jfr; surefire adds the module.
     */
    private static AutoCloseable compilationsOf(String type, CountDownLatch done) throws ReflectiveOperationException {
        Class<?> streamClass = Class.forName("jdk.jfr.consumer.RecordingStream");
        Object stream = streamClass.getConstructor().newInstance();
        Object settings = streamClass.getMethod("enable", String.class).invoke(stream, "jdk.Compilation");
        settings.getClass().getMethod("withThreshold", Duration.class).invoke(settings, Duration.ZERO);
        Method getValue = Class.forName("jdk.jfr.consumer.RecordedObject").getMethod("getValue", String.class);
        Consumer<Object> onCompilation = ev -> {
            try {
                Object method = getValue.invoke(ev, "method");
                Object owner = getValue.invoke(method, "type");
                if ("run".equals(getValue.invoke(method, "name")) && type.equals(getValue.invoke(owner, "name"))) done.countDown();
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        };
        streamClass.getMethod("onEvent", String.class, Consumer.class).invoke(stream, "jdk.Compilation", onCompilation);
        streamClass.getMethod("startAsync").invoke(stream);
        return (AutoCloseable) stream;
    }
}
