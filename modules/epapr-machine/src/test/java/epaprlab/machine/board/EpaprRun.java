package epaprlab.machine.board;

import static org.junit.jupiter.api.Assertions.fail;

import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.boot.ElfImage;
import epaprlab.machine.hcall.EnabledHypercalls;
import epaprlab.machine.hcall.HostHypercalls;
import epaprlab.machine.hcall.HostHypercalls.Action;
import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.TimeSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Drives an ePAPR board's boot vCPU on the test thread as a vCPU actor does, collecting the console. */
final class EpaprRun {
    static final Path IMAGES = Path.of("../../sample-vms/images");

    /** Why {@link #run} returned. */
    enum Stop { SNAPSHOT_CALL, RESULT, SHUTDOWN, IDLE, BUDGET }

    final Board board;
    final StringBuilder console = new StringBuilder();
    private final HostHypercalls host;
    private final byte[] buf = new byte[64];
    long result = -1;

    EpaprRun(Board board) {
        this.board = board;
        this.host = board.newHostHypercalls();
    }

    /** A 1 MiB, one-vCPU board of sample guest {@code program}, not powered on. */
    static Board board(String program, CpuModel cpu) throws Exception {
        return board(program, cpu, 1 << 20, 1);
    }

    static Board board(String program, CpuModel cpu, int ramBytes, int vcpus) throws Exception {
        Path image = IMAGES.resolve(program + "-" + cpu.configName() + ".elf");
        BoardSpec spec = new BoardSpec(program + "-test", 7, cpu, ramBytes, vcpus, EnabledHypercalls.ALL, true, "",
                400_000_000L, 400_000_000L, 4096, TimeSource.INSTRUCTIONS, Cpu.DEFAULT_COMPILE_THRESHOLD);
        return Board.assemble(spec, ElfImage.parse(image, Files.readAllBytes(image)));
    }

    Vcpu vcpu() { return board.vcpus().getFirst(); }

    /** Runs until a snapshot call, a result, a shutdown, idling, or until the vCPU has retired {@code until} instructions. */
    Stop run(long until) {
        Vcpu v = vcpu();
        while (v.instructionsRetired() < until) {
            ExitReason reason = v.run(Math.min(100_000, until - v.instructionsRetired()));
            switch (reason) {
                case INTR -> {
                    if (v.exit().idle()) return Stop.IDLE;
                }
                case EPAPR_HCALL -> {
                    Action action = host.handle(v.exit().hcall());
                    int n;
                    while ((n = board.console().hostDrain(buf, 0, buf.length)) > 0) {
                        console.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                    switch (action) {
                        case RESUME -> { }
                        case SNAPSHOT_VM -> { return Stop.SNAPSHOT_CALL; }
                        case RESULT_REPORTED -> {
                            result = v.exit().hcall().arg(0);
                            return Stop.RESULT;
                        }
                        case SHUTDOWN_VM, RESET_VM -> { return Stop.SHUTDOWN; }
                    }
                }
                case INTERNAL_ERROR -> fail("guest crashed: " + v.exit().internalError().description()
                        + " at PC 0x" + Long.toHexString(v.exit().internalError().pc()) + "; console so far: " + console);
                default -> fail("unexpected exit " + reason);
            }
        }
        return Stop.BUDGET;
    }

    /** Retired instructions after which a guest that has not ended counts as hung. */
    static final long LIMIT = 1_000_000_000L;

    /** Runs to the guest's end (at most {@link #LIMIT}); a snapshot call is answered as a lab taking none would. */
    Stop runToEnd() {
        Stop s;
        while ((s = run(LIMIT)) == Stop.SNAPSHOT_CALL) { }
        return s;
    }
}
