package epaprlab.machine.board;

import epaprlab.machine.api.Vcpu;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The clock a board's real-time clock shows on the instruction time base: {@link #EPOCH} plus the
 * guest time of vCPU 0 at the start of its current or last run. That value depends on the
 * instruction counts alone, so a guest that sets its clock from the RTC (Linux at boot) runs the
 * same instructions on every run; the host's clock would make its count differ from run to run.
 * The resolution is one run (a turn of the exit loop), far below the RTC's one second.
 */
final class GuestTimeClock extends Clock {
    /** What the RTC shows at time base 0: the first second the DS1338's century-less year can hold. */
    static final Instant EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    private final Vcpu vcpu;
    private final long timebaseHz;

    GuestTimeClock(Vcpu vcpu, long timebaseHz) {
        this.vcpu = vcpu;
        this.timebaseHz = timebaseHz;
    }

    @Override
    public Instant instant() {
        long tb = vcpu.timeBaseAtRunStart();
        return EPOCH.plusSeconds(tb / timebaseHz).plusNanos((tb % timebaseHz) * 1_000_000_000L / timebaseHz);
    }

    @Override public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override
    public Clock withZone(ZoneId zone) {
        if (!zone.equals(ZoneOffset.UTC)) throw new UnsupportedOperationException("the guest's RTC counts in UTC");
        return this;
    }
}
