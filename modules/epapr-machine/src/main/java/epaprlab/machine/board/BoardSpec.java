package epaprlab.machine.board;

import epaprlab.machine.hcall.EnabledHypercalls;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.TimeSource;

/**
 * The hardware of one ePAPR guest board: what the VM is built from and what its device tree says.
 *
 * @param consoleBuffer bytes the console byte channel queues each way before sends get EV_EAGAIN
 * @param timeSource    what drives the time base: executed instructions (reproducible) or the wall clock
 * @param compileThreshold interpreted runs of a code block before the engine compiles it (0 = never)
 */
public record BoardSpec(String name, int guestId, CpuModel cpu, long ramBytes, int vcpus,
                        EnabledHypercalls hypercalls, boolean idle, String bootargs,
                        long clockHz, long timebaseHz, int consoleBuffer, TimeSource timeSource,
                        int compileThreshold) {}
