package epaprlab.ppc.exec;

import static epaprlab.ppc.decode.Fields.*;

import epaprlab.ppc.cpu.ProgramCause;
import epaprlab.ppc.cpu.Spr;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.interrupt.AsyncInterrupts;
import epaprlab.ppc.interrupt.Delivery;
import epaprlab.ppc.interrupt.DoorbellBus;

/** System linkage (sc, rfi family), wait, and the handler of every empty decode slot. */
public final class ProcessorControl {
    private ProcessorControl() {}

    /** Every decode slot without an instruction: Program interrupt, ESR[PIL]. */
    public static void illegal(CpuState s, int w) { s.program(ProgramCause.ILLEGAL); }

    /**
     * sc LEV. Our choice (architecture.md "ABI decisions", spec 2.1): LEV=1 is the ePAPR
     * hypercall. In supervisor state it stops the CPU with {@link StopReason#HYPERCALL}, PC at the
     * next instruction and registers untouched (the host plays the embedded hypervisor, as the
     * IVOR40 "hypervisor system call" would on E.HV hardware). In user state it is a Program
     * interrupt with ESR[PPR] to the guest, as KVM and Topaz do. Any other LEV (0 and the values
     * the ISA leaves reserved) is an ordinary System Call interrupt (IVOR8, SRR0 = next
     * instruction, ESR unchanged).
     */
    public static void sc(CpuState s, int w) {
        if (lev(w) == 1) {
            if (s.user()) { s.program(ProgramCause.PRIVILEGED); return; }
            s.stop = StopReason.HYPERCALL;
            return;
        }
        Delivery.systemCall(s);
    }

    private static void returnFrom(CpuState s, int srr0, int srr1) {
        if (s.privileged()) return;
        long target = s.sprs[Spr.slot(srr0)];
        s.setMsr(s.sprs[Spr.slot(srr1)]);
        s.nia = s.ea(target & ~3L);
        s.limit = 0;                    // the restored MSR may unmask a pending interrupt
    }

    public static void rfi(CpuState s, int w) { returnFrom(s, Spr.SRR0, Spr.SRR1); }
    public static void rfci(CpuState s, int w) { returnFrom(s, Spr.CSRR0, Spr.CSRR1); }
    public static void rfdi(CpuState s, int w) { returnFrom(s, Spr.DSRR0, Spr.DSRR1); }
    public static void rfmci(CpuState s, int w) { returnFrom(s, Spr.MCSRR0, Spr.MCSRR1); }

    /**
     * wait (Power ISA 2.06 Book II; e500mc): execution stops until an interrupt is taken, which
     * returns to the next instruction. The loop's event boundary right after it does the
     * waiting ({@link AsyncInterrupts#service}). Not privileged: wait is a Book II instruction
     * and QEMU's {@code gen_wait} checks nothing.
     */
    public static void wait(CpuState s, int w) {
        s.waiting = true;
        s.limit = 0;
    }

    /** msgsnd rB (spec 5.8): supervisor; pends a doorbell on every CPU of this RAM the payload names. */
    public static void msgsnd(CpuState s, int w) {
        if (s.privileged()) return;
        s.bus.send(s.gpr[rb(w)] & CpuState.MASK32);
        s.limit = 0;                    // the sender may be a target
    }

    /** msgclr rB: supervisor; clears this CPU's pending doorbell of the payload's type. */
    public static void msgclr(CpuState s, int w) {
        if (s.privileged()) return;
        DoorbellBus.clear(s.pending, s.gpr[rb(w)] & CpuState.MASK32);
        s.limit = 0;
    }
}
