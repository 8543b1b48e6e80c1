package epaprlab.machine.board;

import epaprlab.machine.api.Vcpu;
import epaprlab.machine.device.OpenPic;
import java.util.List;

/**
 * The ppce500 MPIC's global timers on the VM's time base: 25 MHz ticks of 16 time base ticks
 * (400 MHz), as QEMU's openpic counts them against its time base. vCPU 0 announces the expiries:
 * its device timer is armed at the next one, and its action tells the MPIC at that instruction.
 * A register access counts at the accessing vCPU's time: on the instruction time base the time
 * base its current run began at (a point the instruction counts alone fix, as {@link GuestTimeClock}
 * uses; inside translated code the exact count is not kept), and a timer started by it begins
 * counting at vCPU 0's next run, when its deadlines are taken up; on the wall clock its time base now.
 */
final class MpicTimerClock implements OpenPic.TimerClock {
    private final List<Vcpu> vcpus;
    private final boolean instructionTime;

    MpicTimerClock(List<Vcpu> vcpus, boolean instructionTime) {
        this.vcpus = vcpus;
        this.instructionTime = instructionTime;
    }

    /** Makes vCPU 0 tell {@code mpic} of each expiry at the instruction its time base reaches it. */
    void drive(OpenPic mpic) {
        Vcpu boot = vcpus.get(0);
        boot.onDeviceTimer(() -> mpic.expireTimers(boot.timeBase() / OpenPic.TB_PER_TICK));
    }

    @Override
    public long ticks(int cpu) {
        Vcpu v = vcpus.get(cpu);
        return (instructionTime ? v.timeBaseAtRunStart() : v.timeBase()) / OpenPic.TB_PER_TICK;
    }

    @Override
    public void arm(long tick) {
        boolean special = tick == Long.MAX_VALUE || tick == OpenPic.AT_ONCE;
        vcpus.get(0).setDeviceTimer(special ? tick : tick * OpenPic.TB_PER_TICK);
    }

    /** On the instruction time base a started timer counts from vCPU 0's next event boundary: exact from the first period. */
    @Override public boolean startsAtExpiryCall() { return instructionTime; }
}
