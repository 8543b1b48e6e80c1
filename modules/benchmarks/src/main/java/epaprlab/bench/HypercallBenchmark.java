package epaprlab.bench;

import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Hypervisor;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.api.Vm;
import epaprlab.machine.api.VmSpec;
import epaprlab.machine.device.ByteChannel;
import epaprlab.machine.hcall.EnabledHypercalls;
import epaprlab.machine.hcall.HcallAbi;
import epaprlab.machine.hcall.HostHypercalls;
import epaprlab.machine.api.Capability;
import epaprlab.ppc.cpu.CpuModel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code KVM_EXIT_EPAPR_HCALL} round trip that the host answers itself: {@link Vcpu#run}
 * completes the previous call (ret and args to r3..r10), runs {@code b} and {@code sc 1} and
 * returns the exit; {@link HostHypercalls#handle} answers {@code EV_BYTE_CHANNEL_POLL} on the
 * console channel. Target: under 100 ns.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HypercallBenchmark {
    @Param({"e500mc", "e5500"})
    public String cpu;

    private Vcpu vcpu;
    private HostHypercalls host;

    @Setup(Level.Trial)
    public void setUp() {
        CpuModel model = CpuModel.valueOf(cpu.toUpperCase(java.util.Locale.ROOT));
        Vm vm = Hypervisor.software().createVm(new VmSpec(model, 64 * 1024, 1));
        GuestPrograms.Program p = GuestPrograms.HCALL;
        for (int i = 0; i < p.words().length; i++) vm.memory().store32(GuestPrograms.ORIGIN + 4L * i, p.words()[i]);
        vcpu = vm.createVcpu(0);
        vcpu.enableCapability(Capability.EXIT_EPAPR_HCALL);
        vcpu.setPc(GuestPrograms.ORIGIN);
        vcpu.setGpr(11, HcallAbi.EV_BYTE_CHANNEL_POLL);
        vcpu.setGpr(3, 0);   // the console's handle; the answer (EV_SUCCESS = 0) keeps it so
        host = new HostHypercalls(EnabledHypercalls.ALL, List.of(new ByteChannel(0, 4096, 4096)));
    }

    /** Returns the action so that nothing is dead code; fails loudly if the guest did not exit. */
    @Benchmark
    public HostHypercalls.Action roundTrip() {
        ExitReason r = vcpu.run(1_000);
        if (r != ExitReason.EPAPR_HCALL) throw new IllegalStateException("expected a hypercall exit, got " + r);
        return host.handle(vcpu.exit().hcall());
    }
}
