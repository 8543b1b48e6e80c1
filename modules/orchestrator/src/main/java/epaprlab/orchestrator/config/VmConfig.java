package epaprlab.orchestrator.config;

import epaprlab.machine.board.BoardSpec;
import epaprlab.machine.hcall.EnabledHypercalls;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.ppc.cpu.CpuModel;
import java.nio.file.Path;
import java.time.Duration;

/** One VM as configured: the HOCON {@code vm} block over {@code epapr-lab.vm} defaults, checked. */
public record VmConfig(
        String name,
        Path image,
        CpuModel cpu,
        int ramBytes,
        int vcpus,
        int guestId,
        String bootargs,
        long clockHz,
        long timebaseHz,
        EnabledHypercalls hypercalls,
        boolean idle,
        Outcome expect,
        Duration wallTimeout,
        int consoleBuffer,
        int consoleMaxLine,
        long turnInstructions,
        Duration idleWait) {

    /** The board this VM runs on. */
    public BoardSpec boardSpec() {
        return new BoardSpec(name, guestId, cpu, ramBytes, vcpus, hypercalls, idle, bootargs, clockHz, timebaseHz,
                consoleBuffer);
    }
}
