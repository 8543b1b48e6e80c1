package epaprlab.ppc.exec;

import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.cpu.Watchpoint;
import java.util.List;

/**
 * The data watchpoints of one CPU. While any is set, {@link CpuState} sends every data access to
 * its slow path (as BOOK_E translation does), which calls {@link #accessed} once the access has
 * happened. A hit stops the CPU the way an interrupt ends a block: {@code nia} leaves the
 * straight-line sentinel, so every tier ends the block after this instruction, and the run loop
 * counts it and returns {@link StopReason#WATCHPOINT} with PC at the next instruction. Costs
 * nothing while no watchpoint is set (the field is null and the fast path unchanged).
 */
public final class Watchpoints {
    private final long[] start, end;       // end exclusive, unsigned compare
    private final Watchpoint[] all;
    /** The last hit: the first watched byte the access touched, and the watchpoint. */
    private long hitAddress;
    private Watchpoint hit;

    public Watchpoints(List<Watchpoint> watchpoints) {
        all = watchpoints.toArray(Watchpoint[]::new);
        start = new long[all.length];
        end = new long[all.length];
        for (int i = 0; i < all.length; i++) {
            start[i] = all[i].address();
            end[i] = all[i].address() + all[i].length();
        }
    }

    /** After a data access of {@code len} bytes at {@code ea} by the executing instruction. */
    void accessed(CpuState s, long ea, int len, boolean store) {
        long last = ea + len;
        for (int i = 0; i < all.length; i++) {
            if (Long.compareUnsigned(ea, end[i]) < 0 && Long.compareUnsigned(last, start[i]) > 0
                    && all[i].kind().triggeredBy(store)) {
                hit = all[i];
                hitAddress = Long.compareUnsigned(ea, start[i]) > 0 ? ea : start[i];
                s.stop = StopReason.WATCHPOINT;
                s.stopPc = s.pc;
                s.nia = (s.pc + 4) & s.eaMask;    // ends the block after this instruction, in every tier
                return;
            }
        }
    }

    /** The watched address of the last {@link StopReason#WATCHPOINT} stop. */
    public long hitAddress() { return hitAddress; }

    /** The watchpoint of the last stop, or null. */
    public Watchpoint hit() { return hit; }
}
