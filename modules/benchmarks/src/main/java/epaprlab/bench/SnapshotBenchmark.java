package epaprlab.bench;

import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.board.Board;
import epaprlab.machine.board.BoardSpec;
import epaprlab.machine.boot.ElfImage;
import epaprlab.machine.boot.ResetReason;
import epaprlab.machine.hcall.EnabledHypercalls;
import epaprlab.machine.hcall.HostHypercalls;
import epaprlab.machine.snapshot.MachineSnapshot;
import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.TimeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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
 * Reset to a snapshot: a 1 MiB ePAPR board with the {@code hello} guest, snapshot taken at its
 * entry; before each measured {@code restore} the guest has run from there to its shutdown call
 * (so its stack, data and device tree pages are its own again). {@code restore} puts RAM back
 * copy-on-write over the snapshot's image, the vCPU and the console. Target: under 20 µs.
 * {@code snapshot} is the cost of taking one of the same machine, {@code startFromSnapshot} of a
 * new VM started from it (board assembled from the parsed image, then restored). Run from the repository's top
 * directory (it reads {@code sample-vms/images}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SnapshotBenchmark {
    @Param({"e500mc", "e5500"})
    public String cpu;

    private Board board;
    private MachineSnapshot entry;
    private HostHypercalls host;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        CpuModel model = CpuModel.valueOf(cpu.toUpperCase(Locale.ROOT));
        Path image = Path.of("sample-vms/images/hello-" + cpu + ".elf");
        BoardSpec spec = new BoardSpec("bench", 1, model, 1 << 20, 1, EnabledHypercalls.ALL, true, "", 400_000_000L,
                400_000_000L, 4096, TimeSource.INSTRUCTIONS, Cpu.DEFAULT_COMPILE_THRESHOLD);
        board = Board.assemble(spec, ElfImage.parse(image, Files.readAllBytes(image)));
        board.powerOn(1, ResetReason.POWER_ON);
        entry = board.snapshot();
        host = board.newHostHypercalls();
    }

    /** The guest runs from the snapshot to its shutdown call, writing its pages. */
    @Setup(Level.Invocation)
    public void runGuest() {
        board.restore(entry);
        Vcpu v = board.vcpus().getFirst();
        byte[] sink = new byte[256];
        for (int turn = 0; turn < 1_000; turn++) {
            ExitReason r = v.run(100_000);
            if (r != ExitReason.EPAPR_HCALL) throw new IllegalStateException("hello stopped with " + r);
            HostHypercalls.Action a = host.handle(v.exit().hcall());
            while (board.console().hostDrain(sink, 0, sink.length) > 0) { }
            if (a == HostHypercalls.Action.SHUTDOWN_VM) return;
        }
        throw new IllegalStateException("hello never asked for its shutdown");
    }

    @Benchmark
    public Board restore() {
        board.restore(entry);
        return board;
    }

    /** A new VM started from the snapshot: a board assembled (image already parsed) and restored. */
    @Benchmark
    public Board startFromSnapshot() throws Exception {
        Board fresh = Board.assemble(board.spec(), board.image());
        fresh.restore(entry);
        return fresh;
    }

    @Benchmark
    public MachineSnapshot snapshot() {
        return board.snapshot();
    }
}
