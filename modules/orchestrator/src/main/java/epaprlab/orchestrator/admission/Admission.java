package epaprlab.orchestrator.admission;

import epaprlab.orchestrator.config.HeapBudget;
import epaprlab.orchestrator.config.VmConfig;

/**
 * Whether a lab may start a VM now. Each VM is charged up front for what is allocated whole when
 * it starts (its console buffers and a measured fixed share: actors, vCPU state, engine tables,
 * device models); its guest RAM is charged by the page as it writes it ({@link VmCharge} is its
 * memory's page budget). A VM waits while the pool lacks its charge plus a margin kept for the
 * running VMs' writes; one whose charge exceeds the whole pool can never start and is refused
 * with the figures.
 */
public final class Admission {
    /**
     * A running VM's heap besides its written RAM, its console buffers and its page tables, per VM
     * and per vCPU: {@code sample-vms/idle-100k.conf} measured 23.2–23.3 KiB per idle 1 MiB guest
     * at peak in all, of which one written page, 0.75 KiB of console and (charged) 4 KiB of page
     * tables (README "Snapshots and clones"); the rest is the actors and supervisor and the
     * vCPU's state, predecoded blocks and block index.
     */
    public static final long PER_VM_BYTES = 10L << 10, PER_VCPU_BYTES = 6L << 10;
    /** The memory's page tables, allocated whole: a read and a write reference and more per 4 KiB page. */
    static final long PER_RAM_PAGE_BYTES = 16;
    /**
     * Each vCPU's region tables, allocated whole at its first translated region: a reference and
     * a churn counter per 4 KiB page ({@code PageRegions}). Large for a large RAM: 8 MiB per vCPU
     * per 4 GiB, so a VM of 48 GiB and 32 vCPUs is refused up front instead of starving the heap.
     */
    static final long PER_VCPU_RAM_PAGE_BYTES = 8;
    /** The part of the pool kept free for pages of running VMs when another VM asks to start. */
    private static final int MARGIN_DIVISOR = 16;

    /** The answer to a VM that asks to start. */
    public sealed interface Decision {
        /** Start it, holding {@code charge} until it ends. */
        record Admitted(VmCharge charge) implements Decision {}

        /** Not now: ask again when another VM has ended. */
        enum Wait implements Decision { INSTANCE }

        /** Never: it cannot fit even alone; {@code why} names the VM and the figures. */
        record Refused(String why) implements Decision {}
    }

    private final HeapPool pool;

    public Admission(HeapPool pool) {
        this.pool = pool;
    }

    /** The pool of this JVM's heap as {@code heap} gives it to VMs. */
    public static Admission of(HeapBudget heap) {
        return new Admission(new HeapPool(heap.usableBytes()));
    }

    public HeapPool pool() { return pool; }

    /** The up-front charge of {@code vm}: console buffers, a fixed share per VM and per vCPU, its RAM's page tables (the VM's and each vCPU's). */
    public static long chargeOf(VmConfig vm) {
        return 2L * vm.board().consoleBuffer() + vm.consoleMaxLine() + PER_VM_BYTES + PER_VCPU_BYTES * vm.board().vcpus()
                + (PER_RAM_PAGE_BYTES + PER_VCPU_RAM_PAGE_BYTES * vm.board().vcpus()) * (vm.board().ramBytes() >> 12);
    }

    /** {@code running}: how many VMs of the lab run now (with none, the margin is not kept). */
    public Decision tryAdmit(VmConfig vm, int running) {
        long charge = chargeOf(vm);
        if (charge > pool.capacity()) {
            return new Decision.Refused(("vm %s cannot start: it needs %s of heap up front (console buffers %s, fixed share %s), "
                    + "but this JVM gives all VMs together only %s (raise the heap: EPAPR_LAB_JAVA_OPTS=-Xmx...; or lower "
                    + "console.buffer and console.max-line)").formatted(vm.name(), HeapBudget.mib(charge),
                    HeapBudget.mib(2L * vm.board().consoleBuffer() + vm.consoleMaxLine()),
                    HeapBudget.mib(charge - 2L * vm.board().consoleBuffer() - vm.consoleMaxLine()), HeapBudget.mib(pool.capacity())));
        }
        long margin = running == 0 ? 0 : pool.capacity() / MARGIN_DIVISOR;
        return pool.tryReserve(charge, margin) ? new Decision.Admitted(new VmCharge(pool, charge)) : Decision.Wait.INSTANCE;
    }
}
