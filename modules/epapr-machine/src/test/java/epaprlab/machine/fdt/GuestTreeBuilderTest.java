package epaprlab.machine.fdt;

import epaprlab.machine.boot.ResetReason;
import epaprlab.ppc.cpu.CpuModel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class GuestTreeBuilderTest {
    static GuestTreeSpec spec(int vcpus, boolean flags, ResetReason reason) {
        return new GuestTreeSpec("g", 42, CpuModel.E5500, vcpus, 64L << 20, 400_000_000L, 400_000_000L,
                flags, flags, flags, flags, 2, reason, "quiet", (64L << 20) - 0x1000);
    }

    @Test void secondariesSpinWithTheirOwnReleaseAddress() {
        DeviceTreeNode t = GuestTreeBuilder.build(spec(17, true, ResetReason.POWER_ON));
        DeviceTreeNode cpus = t.require("/cpus");
        assertEquals(17, cpus.children().size());
        DeviceTreeNode boot = t.require("/cpus/cpu@0");
        assertEquals("okay", boot.requireProperty("status").asString());
        assertFalse(boot.hasProperty("enable-method"));
        assertFalse(boot.hasProperty("cpu-release-addr"));
        for (int n = 1; n < 17; n++) {
            DeviceTreeNode c = t.require("/cpus/cpu@" + Integer.toHexString(n));   // unit address in hex
            assertEquals(n, c.requireProperty("reg").asU32());
            assertEquals("disabled", c.requireProperty("status").asString());
            assertEquals("spin-table", c.requireProperty("enable-method").asString());
            assertEquals((64L << 20) - 0x1000 + 32L * n, c.requireProperty("cpu-release-addr").asU64());
            assertEquals("PowerPC,e5500", c.requireProperty("compatible").asString());
        }
        assertTrue(t.find("/cpus/cpu@10").isPresent());
    }

    @Test void optionalHypervisorPropertiesFollowTheSpec() {
        DeviceTreeNode on = GuestTreeBuilder.build(spec(1, true, ResetReason.POWER_ON)).require("/hypervisor");
        DeviceTreeNode off = GuestTreeBuilder.build(spec(1, false, ResetReason.POWER_ON)).require("/hypervisor");
        for (String flag : List.of("has-idle", "kvm,has-reset", "kvm,has-shutdown", "epapr-lab,has-result")) {
            assertTrue(on.requireProperty(flag).isEmpty(), flag);
            assertFalse(off.hasProperty(flag), flag);
        }
        assertEquals(List.of("linux,kvm", "epapr,hypervisor-1"), off.requireProperty("compatible").asStrings());
        assertEquals(0x44000022, off.requireProperty("hcall-instructions").asU32());
        assertEquals(42, off.requireProperty("guest-id").asU32());
        assertEquals("g", off.requireProperty("guest-name").asString());
    }

    @TestFactory Stream<DynamicTest> resetReasonAndBootCountReachChosen() {
        return Stream.of(ResetReason.values()).map(r -> DynamicTest.dynamicTest(r.name(), () -> {
            DeviceTreeNode chosen = GuestTreeBuilder.build(spec(1, false, r)).require("/chosen");
            assertEquals(r.dtValue(), chosen.requireProperty("epapr-lab,reset-reason").asString());
            assertEquals(2, chosen.requireProperty("epapr-lab,boot-count").asU32());
            assertEquals("quiet", chosen.requireProperty("bootargs").asString());
        }));
    }

    @Test void resetReasonStrings() {
        assertEquals(List.of("power-on", "guest-reset", "watchdog", "crash-restart", "host-request"),
                Stream.of(ResetReason.values()).map(ResetReason::dtValue).toList());
    }

    @Test void consoleIsByteChannelZero() {
        DeviceTreeNode t = GuestTreeBuilder.build(spec(1, false, ResetReason.POWER_ON));
        String path = t.require("/chosen").requireProperty("stdout-path").asString();
        assertEquals(path, t.require("/aliases").requireProperty("serial0").asString());
        DeviceTreeNode bc = t.require(path);
        assertEquals("epapr,hv-byte-channel", bc.requireProperty("compatible").asString());
        assertEquals(0, bc.requireProperty("hv-handle").asU32());
        assertEquals(0, bc.requireProperty("reg").asU32());
    }

    @Test void e500mcCoresAreNamedSo() {
        GuestTreeSpec s = new GuestTreeSpec("m", 1, CpuModel.E500MC, 1, 1 << 20, 1, 1, false, false, false, false, 1,
                ResetReason.POWER_ON, "", 0);
        assertEquals("PowerPC,e500mc", GuestTreeBuilder.build(s).require("/cpus/cpu@0").requireProperty("compatible").asString());
        assertEquals(Optional.empty(), s.spinTableReservation());
    }

    @Test void spinTableReservationCoversEveryEntry() {
        assertEquals(Optional.of(new MemoryReservation((64L << 20) - 0x1000, 4 * 32)), spec(4, false, ResetReason.POWER_ON).spinTableReservation());
    }

    record Bad(String name, Supplier<GuestTreeSpec> make, String messagePart) {}

    static GuestTreeSpec with(String name, CpuModel cpu, int vcpus, long ram, long clock, long tb, int boots,
                              ResetReason reason, String args, long spin) {
        return new GuestTreeSpec(name, 1, cpu, vcpus, ram, clock, tb, false, false, false, false, boots, reason, args, spin);
    }

    @TestFactory Stream<DynamicTest> specRejectsBadValues() {
        CpuModel m = CpuModel.E500MC;
        ResetReason p = ResetReason.POWER_ON;
        List<Bad> cases = List.of(
                new Bad("no name", () -> with("", m, 1, 1 << 20, 1, 1, 1, p, "", 0), "guest name"),
                new Bad("no cpu", () -> with("g", null, 1, 1 << 20, 1, 1, 1, p, "", 0), "cpu model"),
                new Bad("zero vCPUs", () -> with("g", m, 0, 1 << 20, 1, 1, 1, p, "", 0), "at least one vCPU"),
                new Bad("zero RAM", () -> with("g", m, 1, 0, 1, 1, 1, p, "", 0), "RAM size"),
                new Bad("zero clock", () -> with("g", m, 1, 1 << 20, 0, 1, 1, p, "", 0), "clock frequency"),
                new Bad("zero timebase", () -> with("g", m, 1, 1 << 20, 1, 0, 1, p, "", 0), "timebase frequency"),
                new Bad("boot count 0", () -> with("g", m, 1, 1 << 20, 1, 1, 0, p, "", 0), "boot count"),
                new Bad("no reset reason", () -> with("g", m, 1, 1 << 20, 1, 1, 1, null, "", 0), "reset reason"),
                new Bad("null bootargs", () -> with("g", m, 1, 1 << 20, 1, 1, 1, p, null, 0), "bootargs"),
                new Bad("misaligned spin table", () -> with("g", m, 2, 1 << 20, 1, 1, 1, p, "", 0x1004), "not 8-byte aligned"),
                new Bad("spin table past RAM", () -> with("g", m, 2, 1 << 20, 1, 1, 1, p, "", (1 << 20) - 32), "outside RAM"));
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            var e = assertThrows(IllegalArgumentException.class, c.make()::get);
            assertTrue(e.getMessage().contains(c.messagePart()), e.getMessage());
        }));
    }
}
