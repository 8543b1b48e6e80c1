package epaprlab.orchestrator.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The round robin of a VM's vCPUs on the instruction time base, without actors: who gets turns, in which order. */
class BatonTest {
    /** The vCPUs told to look at the baton, in order. */
    private final List<Integer> turns = new ArrayList<>();

    private Baton baton(int vcpus) {
        Baton b = new Baton(vcpus, 1000);
        for (int i = vcpus - 1; i >= 0; i--) {
            int id = i;
            b.register(id, () -> turns.add(id));
        }
        return b;
    }

    @Test
    void vcpuZeroHoldsItOnceEveryVcpuHasRegisteredThenItGoesRound() {
        Baton b = new Baton(3, 1000);
        b.register(2, () -> turns.add(2));
        b.register(0, () -> turns.add(0));
        assertEquals(List.of(), turns, "not before every vCPU is there");
        b.register(1, () -> turns.add(1));
        assertEquals(List.of(0), turns);
        assertTrue(b.holds(0));
        b.pass(0, 0);
        b.pass(1, 0);
        b.pass(2, 0);
        b.pass(0, 0);
        assertEquals(List.of(0, 1, 2, 0, 1), turns);
        assertTrue(b.holds(1) && !b.holds(0));
        assertThrows(IllegalStateException.class, () -> b.pass(2, 0), "only the holder passes it");
    }

    @Test
    void sleepersAreSkippedUntilWokenAndSeeTheWakeAtTheirNextTurnInTheOrder() {
        Baton b = baton(3);
        assertTrue(b.sleep(0, Long.MAX_VALUE));
        b.pass(0, 0);
        b.pass(1, 0);
        b.pass(2, 0);
        assertEquals(List.of(0, 1, 2, 1), turns, "vCPU 0 sleeps");
        b.wake(0);                              // raised by vCPU 1 in its slice
        assertTrue(b.holds(1), "the holder runs its slice to the end");
        b.pass(1, 0);
        b.pass(2, 0);
        assertEquals(List.of(0, 1, 2, 1, 2, 0), turns);
    }

    @Test
    void aSleeperWithATimerRunsOnceTheVmsTimeReachesItAndNoOneRunsAheadOfIt() {
        Baton b = baton(2);
        assertEquals(Long.MIN_VALUE, b.now());
        assertTrue(b.sleep(0, 5000));           // vCPU 0 waits for its decrementer at TB 5000
        b.pass(0, 1000);
        assertEquals(1000, b.now(), "vCPU 1 may fast-forward a wait only up to here");
        b.pass(1, 3000);
        b.pass(1, 4999);
        assertEquals(List.of(0, 1, 1, 1), turns, "not due yet");
        b.pass(1, 5000);
        assertEquals(List.of(0, 1, 1, 1, 0), turns, "due: it runs, its engine catching up to 5000");
    }

    @Test
    void whenEveryVcpuSleepsTimeJumpsToTheEarliestTimer() {
        Baton b = baton(3);
        b.pass(0, 100);
        b.spins(1);
        b.pass(1, Long.MIN_VALUE);
        assertTrue(b.sleep(2, 9000));
        b.pass(2, 200);
        assertTrue(b.sleep(0, 7000));
        b.pass(0, 300);
        assertEquals(List.of(0, 1, 2, 0, 0), turns, "vCPU 0's timer is the earliest: it runs");
        assertEquals(7000, b.now());
        assertTrue(b.sleep(0, Long.MAX_VALUE));
        b.pass(0, 7000);
        assertEquals(2, turns.getLast());
        assertEquals(9000, b.now());
        assertTrue(b.sleep(2, Long.MAX_VALUE));
        b.pass(2, 9000);
        assertFalse(b.holds(0) || b.holds(1) || b.holds(2), "no timer left: it rests");
    }

    @Test
    void aWakeDuringItsOwnRunKeepsAVcpuFromSleeping() {
        Baton b = baton(2);
        b.running(0);
        b.wake(0);                              // raised while it ran: the interrupt is pending
        assertFalse(b.sleep(0, Long.MAX_VALUE));
        b.running(0);
        assertTrue(b.sleep(0, Long.MAX_VALUE), "the next run saw it");
    }

    @Test
    void withOnlySleepersAndSpinnersLeftItRestsUntilAWake() {
        Baton b = baton(3);
        b.pass(0, 0);
        b.spins(1);                             // each secondary looks at its spin table: not released
        b.pass(1, 0);
        b.spins(2);
        b.pass(2, 0);
        assertEquals(List.of(0, 1, 2, 0), turns);
        turns.clear();
        assertTrue(b.sleep(0, Long.MAX_VALUE));
        b.pass(0, 0);
        assertEquals(List.of(), turns, "no one runs guest code, so no one can release the spinners");
        assertFalse(b.holds(0) || b.holds(1) || b.holds(2));
        b.wake(1);                              // a spinner's wake changes nothing
        assertEquals(List.of(), turns);
        b.wake(0);                              // the host raised an interrupt: the resting baton goes to it
        assertEquals(List.of(0), turns);
        b.pass(0, 0);
        b.pass(1, 0);                              // vCPU 1 still spins: it passes on
        b.released(2);
        b.pass(2, 0);
        assertEquals(List.of(0, 1, 2, 0), turns);
    }

    @Test
    void restartGivesItToVcpuZeroAndEverySecondaryLooksAtItsSpinTableAgain() {
        Baton b = baton(3);
        b.pass(0, 0);
        assertTrue(b.sleep(1, Long.MAX_VALUE));
        b.pass(1, 0);
        b.spins(2);
        b.pass(2, 0);
        assertEquals(List.of(0, 1, 2, 0), turns);
        b.restart();                            // the snapshot's vCPU 0 waits for a doorbell of a released vCPU 1
        assertTrue(b.holds(0));
        turns.clear();
        assertTrue(b.sleep(0, Long.MAX_VALUE));
        b.pass(0, 0);
        assertEquals(List.of(1), turns, "vCPU 1 looks at its entry (the restored board releases it at once), then runs");
    }
}
