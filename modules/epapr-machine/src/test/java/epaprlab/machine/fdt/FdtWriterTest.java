package epaprlab.machine.fdt;

import epaprlab.machine.boot.ResetReason;
import epaprlab.ppc.cpu.CpuModel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class FdtWriterTest {
    @TempDir Path tmp;

    /** Spec 3.5's example guest, with every optional feature on. */
    static final GuestTreeSpec TWO_CPU_E500MC = new GuestTreeSpec("vm1", 1, CpuModel.E500MC, 2, 0x0400_0000L,
            400_000_000L, 400_000_000L, true, true, true, true, 1, ResetReason.POWER_ON, "", 0x03ff_f000L);

    static final String TWO_CPU_E500MC_DTS = """
            /dts-v1/;
            /memreserve/ 0x0000000000020000 0x000000000000060a;
            /memreserve/ 0x0000000003fff000 0x0000000000000040;
            / {
                #address-cells = <0x02>;
                #size-cells = <0x02>;
                model = "epapr-lab";
                compatible = "epapr-lab,vm";
                epapr-version = "ePAPR-1.1";
                chosen {
                    bootargs = [00];
                    stdout-path = "/hypervisor/handles/byte-channel@0";
                    epapr-lab,boot-count = <0x01>;
                    epapr-lab,reset-reason = "power-on";
                };
                aliases {
                    serial0 = "/hypervisor/handles/byte-channel@0";
                };
                memory@0 {
                    device_type = "memory";
                    reg = <0x00 0x00 0x00 0x4000000>;
                };
                cpus {
                    #address-cells = <0x01>;
                    #size-cells = <0x00>;
                    cpu@0 {
                        device_type = "cpu";
                        compatible = "PowerPC,e500mc";
                        reg = <0x00>;
                        status = "okay";
                        clock-frequency = <0x17d78400>;
                        timebase-frequency = <0x17d78400>;
                        d-cache-line-size = <0x40>;
                        i-cache-line-size = <0x40>;
                    };
                    cpu@1 {
                        device_type = "cpu";
                        compatible = "PowerPC,e500mc";
                        reg = <0x01>;
                        status = "disabled";
                        clock-frequency = <0x17d78400>;
                        timebase-frequency = <0x17d78400>;
                        d-cache-line-size = <0x40>;
                        i-cache-line-size = <0x40>;
                        enable-method = "spin-table";
                        cpu-release-addr = <0x00 0x3fff020>;
                    };
                };
                hypervisor {
                    compatible = "linux,kvm\\0epapr,hypervisor-1";
                    hcall-instructions = <0x44000022>;
                    guest-id = <0x01>;
                    guest-name = "vm1";
                    has-idle;
                    kvm,has-reset;
                    kvm,has-shutdown;
                    epapr-lab,has-result;
                    handles {
                        #address-cells = <0x01>;
                        #size-cells = <0x00>;
                        byte-channel@0 {
                            compatible = "epapr,hv-byte-channel";
                            reg = <0x00>;
                            hv-handle = <0x00>;
                        };
                    };
                };
            };
            """;

    /**
     * One e5500 vCPU, 6 GiB, a timebase too fast for one cell, every optional feature off. (The
     * clock is 1.2 GHz, not 1.5: dtc prints 0x59682f00 as the string "Yh/".)
     */
    static final GuestTreeSpec ONE_CPU_E5500 = new GuestTreeSpec("lab-7", 7, CpuModel.E5500, 1, 0x1_8000_0000L,
            1_200_000_000L, 5_000_000_000L, false, false, false, false, 3, ResetReason.WATCHDOG,
            "console=ttyEHV0", 0);

    static final String ONE_CPU_E5500_DTS = """
            /dts-v1/;
            /memreserve/ 0x0000000000801000 0x00000000000004b2;
            / {
                #address-cells = <0x02>;
                #size-cells = <0x02>;
                model = "epapr-lab";
                compatible = "epapr-lab,vm";
                epapr-version = "ePAPR-1.1";
                chosen {
                    bootargs = "console=ttyEHV0";
                    stdout-path = "/hypervisor/handles/byte-channel@0";
                    epapr-lab,boot-count = <0x03>;
                    epapr-lab,reset-reason = "watchdog";
                };
                aliases {
                    serial0 = "/hypervisor/handles/byte-channel@0";
                };
                memory@0 {
                    device_type = "memory";
                    reg = <0x00 0x00 0x01 0x80000000>;
                };
                cpus {
                    #address-cells = <0x01>;
                    #size-cells = <0x00>;
                    cpu@0 {
                        device_type = "cpu";
                        compatible = "PowerPC,e5500";
                        reg = <0x00>;
                        status = "okay";
                        clock-frequency = <0x47868c00>;
                        timebase-frequency = <0x01 0x2a05f200>;
                        d-cache-line-size = <0x40>;
                        i-cache-line-size = <0x40>;
                    };
                };
                hypervisor {
                    compatible = "linux,kvm\\0epapr,hypervisor-1";
                    hcall-instructions = <0x44000022>;
                    guest-id = <0x07>;
                    guest-name = "lab-7";
                    handles {
                        #address-cells = <0x01>;
                        #size-cells = <0x00>;
                        byte-channel@0 {
                            compatible = "epapr,hv-byte-channel";
                            reg = <0x00>;
                            hv-handle = <0x00>;
                        };
                    };
                };
            };
            """;

    record Case(String name, GuestTreeSpec spec, long loadAddress, String expectedDts) {
        List<MemoryReservation> reservations() { return spec.spinTableReservation().stream().toList(); }
        byte[] blob() {
            return FdtWriter.write(GuestTreeBuilder.build(spec), 0, reservations(), loadAddress);
        }
    }

    static final List<Case> CASES = List.of(
            new Case("two e500mc vCPUs, all features", TWO_CPU_E500MC, 0x2_0000, TWO_CPU_E500MC_DTS),
            new Case("one e5500 vCPU, 6 GiB, u64 timebase, no features", ONE_CPU_E5500, 0x80_1000, ONE_CPU_E5500_DTS));

    @TestFactory Stream<DynamicTest> dtcDecodesTheBlobToTheExpectedSource() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            String dts = Dtc.decompile(c.blob(), tmp);
            assertEquals(Dtc.normalise(c.expectedDts()), Dtc.normalise(dts));
        }));
    }

    @TestFactory Stream<DynamicTest> blobRoundTripsThroughTheReader() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            DeviceTreeNode tree = GuestTreeBuilder.build(c.spec());
            Fdt back = FdtReader.read(c.blob());
            assertEquals(tree, back.root());
        }));
    }

    /** The reader also understands dtc's own blobs: compiling the expected source gives our tree back. */
    @TestFactory Stream<DynamicTest> dtcCompiledSourceReadsBackAsTheSameTree() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Fdt fromDtc = FdtReader.read("dtc output", Dtc.compile(c.expectedDts(), tmp));
            assertEquals(GuestTreeBuilder.build(c.spec()), fromDtc.root());
            Fdt ours = FdtReader.read(c.blob());
            assertEquals(ours.reservations(), fromDtc.reservations());
            // same tokens, names and padding: dtc's structure block has our size (strings may differ,
            // dtc also reuses suffixes of longer names)
            assertEquals(fromDtc.header().sizeDtStruct(), ours.header().sizeDtStruct());
        }));
    }

    @TestFactory Stream<DynamicTest> headerFieldsAndAlignment() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            byte[] blob = c.blob();
            ByteBuffer b = ByteBuffer.wrap(blob);
            FdtHeader h = FdtReader.read(blob).header();
            assertEquals(0xD00DFEED, b.getInt(0));
            assertEquals(FdtHeader.MAGIC, h.magic());
            assertEquals(blob.length, h.totalSize());
            assertEquals(FdtWriter.totalSize(GuestTreeBuilder.build(c.spec()), c.reservations()), blob.length);
            assertEquals(17, h.version());
            assertEquals(16, h.lastCompVersion());
            assertEquals(0, h.bootCpuidPhys());
            assertEquals(0x28, h.offMemRsvmap());
            assertEquals(0, h.offMemRsvmap() % 8, "reservation block 8-byte aligned");
            assertEquals(0, h.offDtStruct() % 4, "structure block 4-byte aligned");
            // recommended order: header, reservations, structure, strings, nothing in between or after
            int rsvEntries = c.reservations().size() + 2;
            assertEquals(h.offMemRsvmap() + 16 * rsvEntries, h.offDtStruct());
            assertEquals(h.offDtStruct() + h.sizeDtStruct(), h.offDtStrings());
            assertEquals(h.offDtStrings() + h.sizeDtStrings(), h.totalSize());
            assertEquals(0x9, b.getInt(h.offDtStrings() - 4), "FDT_END is the last token");
            assertEquals(0x1, b.getInt(h.offDtStruct()), "FDT_BEGIN_NODE first");
        }));
    }

    @TestFactory Stream<DynamicTest> reservationBlockCoversTheBlobItself() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            byte[] blob = c.blob();
            List<MemoryReservation> rsv = FdtReader.read(blob).reservations();
            assertTrue(rsv.contains(new MemoryReservation(c.loadAddress(), blob.length)), rsv::toString);
            for (MemoryReservation r : c.reservations()) assertTrue(rsv.contains(r), "caller entry " + r + " in " + rsv);
            assertEquals(c.reservations().size() + 1, rsv.size());
            // the terminator is an all-zero pair right before the structure block
            ByteBuffer b = ByteBuffer.wrap(blob);
            int term = 0x28 + 16 * rsv.size();
            assertEquals(0L, b.getLong(term));
            assertEquals(0L, b.getLong(term + 8));
        }));
    }

    @Test void stringsBlockHoldsEachPropertyNameOnce() throws Exception {
        byte[] blob = CASES.getFirst().blob();
        FdtHeader h = FdtReader.read(blob).header();
        String strings = new String(blob, h.offDtStrings(), h.sizeDtStrings(), StandardCharsets.UTF_8);
        assertTrue(strings.endsWith("\0"));
        List<String> names = List.of(strings.substring(0, strings.length() - 1).split("\0", -1));
        assertEquals(names.size(), new HashSet<>(names).size(), "duplicate names in " + names);
        Set<String> used = new HashSet<>();
        collectNames(GuestTreeBuilder.build(TWO_CPU_E500MC), used);
        assertEquals(used, new HashSet<>(names));
        assertTrue(names.contains("reg") && names.contains("compatible") && names.contains("#address-cells"));
        // "compatible" is used by the root, both cpus, /hypervisor and the byte channel, stored once
        assertEquals(1, names.stream().filter("compatible"::equals).count());
    }

    private static void collectNames(DeviceTreeNode n, Set<String> into) {
        n.properties().forEach(p -> into.add(p.name()));
        n.children().forEach(c -> collectNames(c, into));
    }

    @Test void callerReservationsAreWrittenSortedByAddress() throws Exception {
        DeviceTreeNode root = DeviceTreeNode.root().u32("#address-cells", 1).build();
        List<MemoryReservation> given = List.of(new MemoryReservation(0x9000, 0x100), new MemoryReservation(0x1000, 0x20));
        byte[] blob = FdtWriter.write(root, 3, given, 0x4000);
        List<MemoryReservation> rsv = FdtReader.read(blob).reservations();
        assertEquals(List.of(new MemoryReservation(0x1000, 0x20), new MemoryReservation(0x4000, blob.length),
                new MemoryReservation(0x9000, 0x100)), rsv);
        assertEquals(3, FdtReader.read(blob).header().bootCpuidPhys());
    }

    @Test void propertyValuesArePaddedAndNamesAligned() throws Exception {
        DeviceTreeNode.Builder rb = DeviceTreeNode.root().prop("odd", new byte[] {1, 2, 3, 4, 5}).empty("flag");
        rb.child("abc").string("s", "xy");
        DeviceTreeNode root = rb.build();
        byte[] blob = FdtWriter.write(root, 0, List.of(), 0);
        FdtHeader h = FdtReader.read(blob).header();
        // BEGIN "" (8) + PROP odd (12+8) + PROP flag (12) + BEGIN "abc" (8) + PROP s (12+4) + END + END + FDT_END
        assertEquals(8 + 20 + 12 + 8 + 16 + 4 + 4 + 4, h.sizeDtStruct());
        assertEquals(root, FdtReader.read(blob).root());
        assertEquals("odd\0flag\0s\0", new String(blob, h.offDtStrings(), h.sizeDtStrings(), StandardCharsets.US_ASCII));
    }

    record Bad(String name, List<MemoryReservation> reservations, long loadAddress, String messagePart) {}

    @TestFactory Stream<DynamicTest> writerRejectsBadPlacements() {
        DeviceTreeNode root = GuestTreeBuilder.build(TWO_CPU_E500MC);
        int size = FdtWriter.totalSize(root, List.of(new MemoryReservation(0, 1)));
        List<Bad> bad = new ArrayList<>(List.of(
                new Bad("misaligned load address", List.of(), 0x1004, "8-byte aligned"),
                new Bad("reservation overlapping the blob's start", List.of(new MemoryReservation(0x7000, 0x1001)), 0x8000, "overlap"),
                new Bad("reservation at the blob's last byte", List.of(new MemoryReservation(0x8000 + size - 1, 8)), 0x8000, "overlap"),
                new Bad("two caller reservations overlapping", List.of(new MemoryReservation(0x100, 0x100),
                        new MemoryReservation(0x1ff, 1)), 0x8000, "overlap")));
        return bad.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            var e = assertThrows(IllegalArgumentException.class, () -> FdtWriter.write(root, 0, c.reservations(), c.loadAddress()));
            assertTrue(e.getMessage().contains(c.messagePart()), e.getMessage());
        }));
    }

    @Test void reservationTouchingTheBlobIsAccepted() throws Exception {
        DeviceTreeNode root = GuestTreeBuilder.build(TWO_CPU_E500MC);
        int size = FdtWriter.totalSize(root, List.of(new MemoryReservation(0, 1)));
        byte[] blob = FdtWriter.write(root, 0, List.of(new MemoryReservation(0x8000 + size, 0x40)), 0x8000);
        assertEquals(size, blob.length);
    }

    @Test void rootMustHaveAnEmptyName() {
        DeviceTreeNode.Builder rb = DeviceTreeNode.root();
        DeviceTreeNode notRoot = rb.child("cpus").build();
        assertThrows(IllegalArgumentException.class, () -> FdtWriter.write(notRoot, 0, List.of(), 0));
    }
}
