package epaprlab.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.cpu.CpuModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** {@code board = epapr | ppce500}: each board's keys, its bounds, and errors naming file, line and key. */
class BoardKeysTest {
    @TempDir Path dir;

    private final LabConfigLoader loader = LabConfigLoader.withDefaults();

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    @Test void epaprStaysTheDefault() throws Exception {
        write("g.elf", "x");
        VmConfig vm = loader.load(write("g.conf", "vm { name = g, image = g.elf }")).vms().getFirst();
        assertEquals(Optional.empty(), vm.ppce500());
        assertEquals(1 << 20, vm.board().ramBytes());
    }

    @Test void ppce500TakesQemusOptions() throws Exception {
        write("fw/u-boot.elf", "x");
        write("k/vmlinux.gz", "x");
        write("k/initrd.cpio", "x");
        VmConfig vm = loader.load(write("p.conf", """
                vm {
                  name = p
                  board = ppce500
                  bios = fw/u-boot.elf
                  kernel = k/vmlinux.gz
                  initrd = k/initrd.cpio
                  bootargs = "console=ttyS0"
                  cpu = e5500
                  vcpus = 2
                }
                """)).vms().getFirst();
        VmConfig.Ppce500Files f = vm.ppce500().orElseThrow();
        assertEquals(Optional.of(dir.resolve("fw/u-boot.elf")), f.bios());
        assertEquals(Optional.of(dir.resolve("k/vmlinux.gz")), f.kernel());
        assertEquals(Optional.of(dir.resolve("k/initrd.cpio")), f.initrd());
        assertEquals(dir.resolve("fw/u-boot.elf"), vm.image(), "the image CPU 0 enters");
        assertEquals(128 << 20, vm.board().ramBytes(), "QEMU's default RAM");
        assertEquals(CpuModel.E5500, vm.board().cpu());
        assertEquals(400_000_000L, vm.board().timebaseHz());
        assertEquals("console=ttyS0", vm.board().bootargs());
        VmConfig kernelOnly = loader.load(write("k.conf",
                "vm { name = k, board = ppce500, kernel = k/vmlinux.gz, ram = 256M }")).vms().getFirst();
        assertEquals(Optional.empty(), kernelOnly.ppce500().orElseThrow().bios());
        assertEquals(256 << 20, kernelOnly.board().ramBytes());
    }

    /** QEMU's ppce500 takes any multiple of 64 MiB above 1 GiB too (its guest sees all of it in /memory). */
    @Test void ppce500TakesRamAbove1GiB() throws Exception {
        write("fw/u-boot.elf", "x");
        for (String ram : List.of("2G", "3G", "4G", "4160M", "48G")) {
            VmConfig vm = loader.load(write("big-" + ram + ".conf",
                    "vm { name = b, board = ppce500, bios = fw/u-boot.elf, ram = " + ram + " }")).vms().getFirst();
            long expected = ram.endsWith("G") ? Long.parseLong(ram.replace("G", "")) << 30 : Long.parseLong(ram.replace("M", "")) << 20;
            assertEquals(expected, vm.board().ramBytes(), ram);
        }
    }

    /** A legacy uImage as {@code mkimage -A ppc -O linux -T kernel -C none|gzip -a LOAD -e LOAD} writes it. */
    private static byte[] uimage(long load, boolean gzip, byte[] code) throws IOException {
        byte[] data = code;
        if (gzip) {
            var z = new java.io.ByteArrayOutputStream();
            try (var out = new java.util.zip.GZIPOutputStream(z)) { out.write(code); }
            data = z.toByteArray();
        }
        var crc = new java.util.zip.CRC32();
        crc.update(data);
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(64 + data.length);
        h.putInt(0x27051956).putInt(0).putInt(0).putInt(data.length).putInt((int) load).putInt((int) load)
                .putInt((int) crc.getValue()).put((byte) 5).put((byte) 7).put((byte) 2).put((byte) (gzip ? 1 : 0));
        h.put("t".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        crc.reset();
        crc.update(h.array(), 0, 64);
        h.putInt(4, (int) crc.getValue());
        h.put(64, data);
        return h.array();
    }

    /**
     * A uImage payload is placed by the board's rule when the config is loaded, as an ELF's is
     * (before: only at its first boot, ending the VM {@code crashed}). Each case is what
     * qemu-system-ppc 7.2 {@code -M ppce500 -m 128M} does with the same files (mkimage-built):
     * load 0x7000000 gives "not enough memory for device tree", 0x5000000 runs; a 30 MiB gzip
     * uImage at 64 MiB with a 20 MiB initrd gives "could not load initial ram disk"; a uImage bios
     * at 80 MiB with a 50 MiB raw kernel gives "could not load kernel".
     */
    @Test void uImagePayloadsArePlacedWhenTheConfigIsLoaded() throws Exception {
        byte[] loop = {0x48, 0, 0, 0};                               // b .
        Files.write(dir.resolve("at-112m.img"), uimage(0x7000000, false, loop));
        Files.write(dir.resolve("at-80m.img"), uimage(0x5000000, false, loop));
        byte[] thirtyMib = java.util.Arrays.copyOf(loop, 30 << 20);
        Files.write(dir.resolve("z30-at-64m.img"), uimage(0x4000000, true, thirtyMib));
        try (var f = new java.io.RandomAccessFile(dir.resolve("rd20").toFile(), "rw")) { f.setLength(20L << 20); }
        try (var f = new java.io.RandomAccessFile(dir.resolve("k50").toFile(), "rw")) { f.setLength(50L << 20); }
        byte[] damaged = uimage(0x5000000, false, loop);
        damaged[64] ^= 1;
        Files.write(dir.resolve("damaged.img"), damaged);

        VmConfig fits = loader.load(write("fits.conf", "vm { name = u, board = ppce500, kernel = at-80m.img }")).vms().getFirst();
        assertEquals(128 << 20, fits.board().ramBytes());
        loader.load(write("fits-rd.conf", "vm { name = u, board = ppce500, kernel = z30-at-64m.img, initrd = rd20, ram = 192M }"));

        Path tree = write("tree.conf", "vm {\n  name = u\n  board = ppce500\n  kernel = at-112m.img\n}\n");
        assertEquals(tree + ":4: vm.kernel: " + dir.resolve("at-112m.img") + " loads up to 0x7000004; the ppce500 device tree goes"
                + " at 0x8800000 and needs 8 MiB there, beyond the VM's RAM (ram = 134217728 bytes; QEMU: not enough memory for"
                + " device tree); give ram = 192M or more", assertThrows(ConfigProblem.class, () -> loader.load(tree)).getMessage());

        Path rd = write("rd.conf", "vm {\n  name = u\n  board = ppce500\n  kernel = z30-at-64m.img\n  initrd = rd20\n}\n");
        String rdMessage = assertThrows(ConfigProblem.class, () -> loader.load(rd)).getMessage();
        assertTrue(rdMessage.startsWith(rd + ":5: vm.initrd: " + dir.resolve("rd20") + " (20971520 bytes) goes at 0x7000000 on the"
                + " ppce500 board"), rdMessage);
        assertTrue(rdMessage.endsWith("QEMU: could not load initial ram disk); give ram = 192M or more"), rdMessage);

        Path k = write("k.conf", "vm {\n  name = u\n  board = ppce500\n  bios = at-80m.img\n  kernel = k50\n}\n");
        assertTrue(assertThrows(ConfigProblem.class, () -> loader.load(k)).getMessage().startsWith(k + ":5: vm.kernel: "
                + dir.resolve("k50") + " (52428800 bytes) goes at 0x5000004 on the ppce500 board (after the firmware"));

        Path crc = write("crc.conf", "vm {\n  name = u\n  board = ppce500\n  bios = damaged.img\n}\n");
        String crcMessage = assertThrows(ConfigProblem.class, () -> loader.load(crc)).getMessage();
        assertTrue(crcMessage.startsWith(crc + ":4: vm.bios: " + dir.resolve("damaged.img") + ": malformed uImage data: CRC32 is 0x"),
                crcMessage);
    }

    /** A ppce500 ELF payload the board's loader refuses is refused at load in its words, as on the ePAPR board (it crashed at boot). */
    @Test void aPpce500ElfTheLoaderRefusesIsAConfigError() throws Exception {
        byte[] elf = Files.readAllBytes(Path.of("../../sample-vms/images/hello-e500mc.elf"));
        Files.write(dir.resolve("cut.elf"), java.util.Arrays.copyOf(elf, elf.length / 2));
        Path f = write("cut.conf", "vm {\n  name = u\n  board = ppce500\n  kernel = cut.elf\n}\n");
        String message = assertThrows(ConfigProblem.class, () -> loader.load(f)).getMessage();
        assertTrue(message.startsWith(f + ":4: vm.kernel: " + dir.resolve("cut.elf") + ": truncated: "), message);
    }

    record Bad(String file, String text, String expectedMessage) {}

    @TestFactory Stream<DynamicTest> wrongBoardKeysAndBoundsAreNamed() throws IOException {
        write("ok.elf", "x");
        Path elf64 = Path.of("../../sample-vms/images/hello-e5500.elf").toAbsolutePath().normalize();
        try (var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve("vmlinux64.gz")))) {
            gz.write(Files.readAllBytes(elf64));
        }
        try (var f = new java.io.RandomAccessFile(dir.resolve("initrd-65m").toFile(), "rw")) {
            f.setLength((65L << 20));                          // sparse: no disk space
        }
        try (var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve("bomb.gz")))) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 65; i++) gz.write(zeros);     // 65 MiB in about 65 KiB
        }
        byte[] good = Files.readAllBytes(dir.resolve("vmlinux64.gz"));
        Files.write(dir.resolve("cut.gz"), java.util.Arrays.copyOf(good, good.length / 2));
        String longArgs = "x".repeat(LabConfigLoader.MAX_PPCE500_BOOTARGS + 1);
        Path elf32 = Path.of("../../sample-vms/images/hello-e500mc.elf").toAbsolutePath().normalize();
        Path linux = Path.of("../../sample-vms/linux").toAbsolutePath().normalize();
        write("rd", "x".repeat(1024));
        return Stream.of(
                new Bad("kernel64-on-e500mc.conf", "vm {\n  name = x\n  board = ppce500\n  kernel = vmlinux64.gz\n}\n",
                        "kernel64-on-e500mc.conf:4: vm.kernel: " + dir.resolve("vmlinux64.gz")
                                + " is an ELF64 image; cpu = e500mc runs 32-bit code only"),
                new Bad("bios64-on-e500mc.conf", "vm {\n  name = x\n  board = ppce500\n  bios = \"" + elf64
                        + "\"\n  kernel = vmlinux64.gz\n}\n", "bios64-on-e500mc.conf:4: vm.bios: " + elf64 + " is an ELF64 image"),
                new Bad("initrd-over-ram.conf", "vm {\n  name = x\n  board = ppce500\n  kernel = ok.elf\n  ram = 64M\n"
                        + "  initrd = initrd-65m\n}\n", "initrd-over-ram.conf:6: vm.initrd: " + dir.resolve("initrd-65m")
                        + " is 68157440 bytes, larger than the VM's RAM (ram = 67108864 bytes)"),
                new Bad("kernel-over-ram.conf", "vm {\n  name = x\n  board = ppce500\n  kernel = initrd-65m\n  ram = 64M\n}\n",
                        "kernel-over-ram.conf:4: vm.kernel: " + dir.resolve("initrd-65m") + " is 68157440 bytes, larger than"),
                new Bad("bomb.conf", "vm {\n  name = x\n  board = ppce500\n  kernel = bomb.gz\n  ram = 64M\n}\n",
                        "bomb.conf:4: vm.kernel: " + dir.resolve("bomb.gz") + " decompresses to more than the VM's RAM (ram = 67108864 bytes)"),
                new Bad("bomb-bios.conf", "vm {\n  name = x\n  board = ppce500\n  bios = bomb.gz\n  ram = 64M\n}\n",
                        "bomb-bios.conf:4: vm.bios: " + dir.resolve("bomb.gz") + " decompresses to more than"),
                new Bad("cut-gzip.conf", "vm {\n  name = x\n  board = ppce500\n  cpu = e5500\n  kernel = cut.gz\n}\n",
                        "cut-gzip.conf:5: vm.kernel: " + dir.resolve("cut.gz") + " starts like gzip but cannot be decompressed: "),
                // found only at boot before: the board puts an initrd at 64 MiB or above (QEMU refuses at start)
                new Bad("initrd-placed-over-ram.conf", "vm {\n  name = x\n  board = ppce500\n  kernel = \"" + elf32
                        + "\"\n  ram = 64M\n  initrd = rd\n}\n", "initrd-placed-over-ram.conf:6: vm.initrd: " + dir.resolve("rd")
                        + " (1024 bytes) goes at 0x4000000 on the ppce500 board"),
                new Bad("linux-64m.conf", "vm {\n  name = x\n  board = ppce500\n  kernel = \"" + linux.resolve("vmlinux-e500mc.gz")
                        + "\"\n  initrd = \"" + linux.resolve("initramfs-ppc32.cpio.gz") + "\"\n  ram = 64M\n}\n",
                        "linux-64m.conf:5: vm.initrd: " + linux.resolve("initramfs-ppc32.cpio.gz") + " (314343 bytes) goes at 0x4000000"
                        + " on the ppce500 board (as QEMU places it: 32 MiB past the images before it, aligned down to 16 MiB, so at"
                        + " 64 MiB or above), beyond the VM's RAM (ram = 67108864 bytes; QEMU: could not load initial ram disk);"
                        + " give ram = 128M or more"),
                new Bad("bootargs.conf", "vm {\n  name = x\n  board = ppce500\n  kernel = ok.elf\n  bootargs = \"" + longArgs + "\"\n}\n",
                        "bootargs.conf:5: vm.bootargs: 131072 bytes; a ppce500 VM takes at most 131071"),
                // a NUL ended the blob's writer with an IllegalArgumentException (a trace from dtb, a crash at boot)
                new Bad("bootargs-nul.conf", "vm {\n  name = x\n  image = ok.elf\n  bootargs = \"a\\u0000b\"\n}\n",
                        "bootargs-nul.conf:4: vm.bootargs: holds a NUL character (\\u0000) at offset 1; a device tree string cannot"),
                new Bad("bootargs-nul-ppce500.conf", "vm {\n  name = x\n  board = ppce500\n  kernel = ok.elf\n  bootargs = \"\\u0000\"\n}\n",
                        "bootargs-nul-ppce500.conf:5: vm.bootargs: holds a NUL character"),
                // QEMU refuses -append and -initrd without -kernel: a firmware alone never reads them
                new Bad("bootargs-no-kernel.conf", "vm {\n  name = x\n  board = ppce500\n  bios = ok.elf\n  bootargs = \"a\"\n}\n",
                        "bootargs-no-kernel.conf:5: vm.bootargs: bootargs are the kernel's command line: give `kernel` too"),
                new Bad("initrd-no-kernel.conf", "vm {\n  name = x\n  board = ppce500\n  bios = ok.elf\n  initrd = ok.elf\n}\n",
                        "initrd-no-kernel.conf:5: vm.initrd: an initrd is the kernel's: give `kernel` too"),
                new Bad("image-on-ppce500.conf", "vm {\n  name = x\n  board = ppce500\n  bios = ok.elf\n  image = ok.elf\n}\n",
                        "image-on-ppce500.conf:5: vm.image: not a key of board = ppce500"),
                new Bad("clock-on-ppce500.conf", "vm {\n  name = x\n  board = ppce500\n  bios = ok.elf\n  clock-hz = 100\n}\n",
                        "clock-on-ppce500.conf:5: vm.clock-hz: not a key of board = ppce500"),
                new Bad("bios-on-epapr.conf", "vm {\n  name = x\n  image = ok.elf\n  bios = ok.elf\n}\n",
                        "bios-on-epapr.conf:4: vm.bios: not a key of board = epapr"),
                new Bad("initrd-on-epapr.conf", "vm {\n  name = x\n  board = epapr\n  image = ok.elf\n  initrd = ok.elf\n}\n",
                        "initrd-on-epapr.conf:5: vm.initrd: not a key of board = epapr"),
                new Bad("no-payload.conf", "vm {\n  name = x\n  board = ppce500\n  initrd = ok.elf\n}\n",
                        "no-payload.conf:3: vm.bios: a ppce500 VM needs `bios`"),
                new Bad("missing-bios.conf", "vm {\n  name = x\n  board = ppce500\n  bios = nope.elf\n}\n",
                        "missing-bios.conf:4: vm.bios: no such file: "),
                new Bad("ram-align.conf", "vm {\n  name = x\n  board = ppce500\n  bios = ok.elf\n  ram = 100M\n}\n",
                        "ram-align.conf:5: vm.ram: RAM of a ppce500 VM must be a multiple of 64 MiB"),
                new Bad("ram-big.conf", "vm {\n  name = x\n  board = ppce500\n  bios = ok.elf\n  ram = 49G\n}\n",
                        "ram-big.conf:5: vm.ram: RAM of a ppce500 VM must be at most 48 GiB (above it RAM would cover the PCI"),
                new Bad("ram-zero.conf", "vm {\n  name = x\n  board = ppce500\n  bios = ok.elf\n  ram = 0\n}\n",
                        "ram-zero.conf:5: vm.ram: RAM of a ppce500 VM must be a multiple of 64 MiB"),
                new Bad("ram-epapr-2g.conf", "vm {\n  name = x\n  image = ok.elf\n  ram = 2G\n}\n",
                        "ram-epapr-2g.conf:4: vm.ram: RAM must be a multiple of 4 KiB between 64 KiB and 1 GiB"),
                new Bad("smp.conf", "vm {\n  name = x\n  board = ppce500\n  bios = ok.elf\n  vcpus = 33\n}\n",
                        "smp.conf:5: vm.vcpus: must be 1..32, got 33"),
                new Bad("board.conf", "vm {\n  name = x\n  board = mpc8544ds\n  bios = ok.elf\n}\n",
                        "board.conf:3: vm.board: unknown value \"mpc8544ds\" (expected epapr or ppce500)"),
                new Bad("cpu.conf", "vm {\n  name = x\n  board = ppce500\n  bios = ok.elf\n  cpu = e6500\n}\n",
                        "cpu.conf:5: vm.cpu: unknown value \"e6500\""),
                new Bad("lab-entry.conf", "lab {\n  vms = [\n    { name = x, board = ppce500, bios = ok.elf, image = ok.elf }\n  ]\n}\n",
                        "lab-entry.conf:3: lab.vms[0].image: not a key of board = ppce500")
        ).map(b -> DynamicTest.dynamicTest(b.file(), () -> {
            Path f = write(b.file(), b.text());
            ConfigProblem p = assertThrows(ConfigProblem.class, () -> loader.load(f));
            assertTrue(p.getMessage().contains(b.expectedMessage()), () -> "got: " + p.getMessage());
            assertTrue(p.getMessage().startsWith(f.toString()), () -> "names the file: " + p.getMessage());
        }));
    }
}
