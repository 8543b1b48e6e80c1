package epaprlab.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.machine.board.Board;
import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.ElfImage;
import epaprlab.machine.boot.ResetReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the ePAPR board the device tree blob, which holds the bootargs, goes after the image: bootargs
 * or an image that leave it no room are refused when the config is loaded (they made the VM end
 * {@code crashed} at its first boot), at exactly the length where the board itself cannot boot.
 */
@Timeout(60)
class DeviceTreeRoomTest {
    private static final Path HELLO = Path.of("../../sample-vms/images/hello-e500mc.elf").toAbsolutePath().normalize();
    private static final Pattern MOST = Pattern.compile("at most (\\d+) bytes of bootargs fit");

    @TempDir Path dir;
    private final LabConfigLoader loader = LabConfigLoader.withDefaults();

    private Path vm(String file, String keys) throws Exception {
        return Files.writeString(dir.resolve(file), "vm {\n  name = x\n  image = \"" + HELLO + "\"\n" + keys + "\n}\n");
    }

    private ConfigProblem refused(Path file) {
        return assertThrows(ConfigProblem.class, () -> loader.load(file));
    }

    /** The most bootargs the loader says fit, from its message about one byte too many. */
    private long most(String keys) throws Exception {
        ConfigProblem p = refused(vm("probe.conf", keys + "\n  bootargs = \"" + "x".repeat(2_000_000) + "\""));
        assertTrue(p.getMessage().startsWith(dir.resolve("probe.conf") + ":" + (keys.lines().count() + 4) + ": vm.bootargs: 2000000 bytes do not fit"),
                p.getMessage());
        Matcher m = MOST.matcher(p.getMessage());
        assertTrue(m.find(), p.getMessage());
        return Long.parseLong(m.group(1));
    }

    @Test
    void twoMegabytesOfBootargsAreRefusedAtLoadNamingTheLimitTheBoardReallyHas() throws Exception {
        for (String keys : new String[] {"  ram = 1M", "  ram = 1M\n  vcpus = 3", "  ram = 1028K"}) {
            long most = most(keys);
            assertTrue(most > 800_000 && most < 1_052_672 - 0x29000, keys + ": " + most);
            var fits = loader.load(vm("fits.conf", keys + "\n  bootargs = \"" + "y".repeat((int) most) + "\"")).vms().getFirst();
            ConfigProblem over = refused(vm("over.conf", keys + "\n  bootargs = \"" + "y".repeat((int) most + 1) + "\""));
            assertTrue(over.getMessage().contains("at most " + most + " bytes"), over.getMessage());

            // the board agrees, on its longest boot: the limit is where it can no longer place the blob
            Board board = Board.assemble(fits.board(), ElfImage.read(HELLO, fits.board().ramBytes()));
            board.powerOn(1, ResetReason.CRASH_RESTART);
            var tooLong = new epaprlab.machine.board.BoardSpec(fits.board().name(), fits.board().guestId(), fits.board().cpu(),
                    fits.board().ramBytes(), fits.board().vcpus(), fits.board().hypercalls(), fits.board().idle(),
                    "y".repeat((int) most + 1), fits.board().clockHz(), fits.board().timebaseHz(), fits.board().consoleBuffer(),
                    fits.board().timeSource(), fits.board().compileThreshold());
            Board over1 = Board.assemble(tooLong, ElfImage.read(HELLO, tooLong.ramBytes()));
            assertThrows(BootException.NoRoomForDeviceTree.class, () -> over1.powerOn(1, ResetReason.CRASH_RESTART), keys);
        }
    }

    @Test
    void copiesWhoseLongerNamesNoLongerFitAreRefusedToo() throws Exception {
        long most = most("  name = abc");
        Path lab = Files.writeString(dir.resolve("lab.conf"), "lab {\n  vms = [\n    { name = abc, image = \"" + HELLO
                + "\", count = 10,\n      bootargs = \"" + "z".repeat((int) most) + "\" }\n  ]\n}\n");
        ConfigProblem p = refused(lab);
        assertTrue(p.getMessage().startsWith(lab + ":4: lab.vms[0].bootargs: " + most + " bytes do not fit"), p.getMessage());
    }

    @Test
    void anImageThatLeavesTheBlobNoRoomIsRefusedByItsKey() throws Exception {
        // the image loads up to 0x28c50: at 160 KiB of RAM it does not fit, at 164 KiB the blob has no room
        Path tooSmall = vm("small-160K.conf", "  ram = 160K");
        ConfigProblem p = refused(tooSmall);
        assertTrue(p.getMessage().startsWith(tooSmall + ":3: vm.image: " + HELLO + ": segment 1 (p_paddr 0x12c40, p_memsz 0x16010) "
                + "lies outside guest RAM (0x28000 bytes)"), p.getMessage());
        Path noRoom = vm("small-164K.conf", "  ram = 164K");
        p = refused(noRoom);
        assertTrue(p.getMessage().startsWith(noRoom + ":3: vm.image: " + HELLO + " loads up to 0x28c50; the device tree blob"),
                p.getMessage());
        assertEquals(1, loader.load(vm("room.conf", "  ram = 168K")).vms().size());
    }
}
