package epaprlab.machine.device;

import epaprlab.machine.state.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * A DS1338-compatible real-time clock (QEMU's {@code hw/rtc/ds1338.c}; board spec section 11) at
 * I2C address 0x68: registers 0..6 hold the time in BCD, 7 is control (OSF can only be cleared),
 * 8..63 are NVRAM; the register pointer wraps at 64. As in QEMU the hour always reads in 24-hour
 * form (a written 12-hour flag sets the time but is not kept). The time registers are a snapshot of
 * {@code clock} (UTC, as QEMU's default {@code -rtc base=utc}) plus the offset the guest set,
 * taken at each read START and when the pointer wraps. Writing a time register moves the offset;
 * out-of-range fields carry over as C's {@code mktime} does. Guarded by the controller's lock.
 */
public final class Ds1338 implements I2cDevice {
    public static final int ADDRESS = 0x68;
    private static final int SIZE = 64, CONTROL = 7, CTRL_OSF = 0x20, HOURS_12 = 0x40, HOURS_PM = 0x20;

    private final Clock clock;
    private final int[] regs = new int[SIZE];
    private long offsetSeconds;
    private int weekdayOffset;
    private int pointer;
    private boolean addressByte;

    public Ds1338(Clock clock) { this.clock = clock; }

    @Override
    public void reset() {
        java.util.Arrays.fill(regs, 0);
        offsetSeconds = 0;
        weekdayOffset = 0;
        pointer = 0;
        addressByte = false;
    }

    /**
     * The registers (NVRAM and the last time read included), the guest's offset from the host
     * clock, and the transfer position, for snapshots. The time itself is not saved: a restored
     * RTC keeps the guest's offset to the host's clock, so it shows the real time now (plus what
     * the guest set), as QEMU's RTC after {@code loadvm}. The array is never written.
     */
    public record State(int[] regs, long offsetSeconds, int weekdayOffset, int pointer, boolean addressByte) {
        public void write(DataOutput out) throws IOException {
            StateIo.writeInts(out, regs);
            out.writeLong(offsetSeconds);
            out.writeInt(weekdayOffset);
            out.writeInt(pointer);
            out.writeBoolean(addressByte);
        }

        public static State read(DataInput in) throws IOException {
            return new State(StateIo.readInts(in, SIZE, "rtc registers"), in.readLong(), in.readInt(), in.readInt(), in.readBoolean());
        }
    }

    public State saveState() { return new State(regs.clone(), offsetSeconds, weekdayOffset, pointer, addressByte); }

    public void restoreState(State s) {
        System.arraycopy(s.regs(), 0, regs, 0, SIZE);
        offsetSeconds = s.offsetSeconds();
        weekdayOffset = s.weekdayOffset();
        pointer = s.pointer() & (SIZE - 1);
        addressByte = s.addressByte();
    }

    @Override
    public void start(boolean read) {
        if (read) capture();                        // a write START only announces the register pointer
        else addressByte = true;
    }

    @Override
    public boolean send(int b) {
        b &= 0xFF;
        if (addressByte) {
            pointer = b & (SIZE - 1);
            addressByte = false;
            return true;
        }
        if (pointer < CONTROL) setTimeField(pointer, b);
        else if (pointer == CONTROL) {
            b &= 0xB3;                                      // bits 2, 3 and 6 read 0
            regs[CONTROL] = (b & ~CTRL_OSF) | (b & regs[CONTROL] & CTRL_OSF);
        }
        else regs[pointer] = b;
        advance();
        return true;
    }

    @Override
    public int receive() {
        int r = regs[pointer];
        advance();
        return r;
    }

    private void advance() {
        pointer = (pointer + 1) & (SIZE - 1);
        if (pointer == 0) capture();                // a reader that wrapped sees fresh time
    }

    private LocalDateTime now() {
        return LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).plusSeconds(offsetSeconds);
    }

    private static int weekday(LocalDateTime t) { return t.getDayOfWeek().getValue() % 7; }   // 0 = Sunday, like tm_wday

    private void capture() {
        LocalDateTime t = now();
        regs[0] = bcd(t.getSecond());
        regs[1] = bcd(t.getMinute());
        if ((regs[2] & HOURS_12) != 0) {
            int h = t.getHour();
            if (h % 12 == 0) h += 12;
            regs[2] = h <= 12 ? HOURS_12 | bcd(h) : HOURS_12 | HOURS_PM | bcd(h - 12);
        } else {
            regs[2] = bcd(t.getHour());
        }
        regs[3] = (weekday(t) + weekdayOffset) % 7 + 1;
        regs[4] = bcd(t.getDayOfMonth());
        regs[5] = bcd(t.getMonthValue());
        regs[6] = bcd(t.getYear() - 2000);
    }

    private void setTimeField(int reg, int b) {
        LocalDateTime t = now();
        int sec = t.getSecond(), min = t.getMinute(), hour = t.getHour(), day = t.getDayOfMonth(),
                month = t.getMonthValue(), year = t.getYear();
        switch (reg) {
            case 0 -> sec = unbcd(b & 0x7F);
            case 1 -> min = unbcd(b & 0x7F);
            case 2 -> {
                if ((b & HOURS_12) != 0) {
                    hour = unbcd(b & (HOURS_PM - 1)) + ((b & HOURS_PM) != 0 ? 12 : 0);
                    if (hour % 12 == 0) hour -= 12;
                } else {
                    hour = unbcd(b & (HOURS_12 - 1));
                }
            }
            case 3 -> weekdayOffset = ((b & 7) - 1 - weekday(t) + 7 + 7) % 7;   // the weekday is the guest's own count
            case 4 -> day = unbcd(b & 0x3F);
            case 5 -> month = unbcd(b & 0x1F);
            default -> year = 2000 + unbcd(b);
        }
        LocalDateTime set = LocalDateTime.of(year, 1, 1, 0, 0).plusMonths(month - 1L).plusDays(day - 1L)
                .plusHours(hour).plusMinutes(min).plusSeconds(sec);   // normalises like mktime
        offsetSeconds = Duration.between(LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC), set).getSeconds();
    }

    private static int bcd(int v) { return (v / 10) << 4 | v % 10; }

    private static int unbcd(int b) { return (b >> 4) * 10 + (b & 0xF); }
}
