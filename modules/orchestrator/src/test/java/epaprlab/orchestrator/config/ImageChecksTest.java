package epaprlab.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ePAPR VM's ELF image that the image loader would refuse is refused when the config is
 * loaded (exit 2, file, line and key, the loader's own words), by its headers alone: such a VM
 * used to pass the config and end {@code crashed} ("cannot boot") at its first boot.
 */
@Timeout(30)
class ImageChecksTest {
    @TempDir Path dir;
    private final LabConfigLoader loader = LabConfigLoader.withDefaults();

    /** A PT_LOAD program header: offset (CODE: the code after the headers), vaddr, paddr, filesz, memsz. */
    record Seg(long offset, long vaddr, long paddr, long filesz, long memsz) {}

    private static final long CODE = -1;

    record Case(String name, long entry, int phentsize, int phnum, long phoff, Seg[] segs, String message) {}

    /** A big-endian ELF32 EM_PPC executable with these program headers and 16 bytes of code after them. */
    private static byte[] elf(Case c) {
        ByteBuffer b = ByteBuffer.allocate(52 + 32 * c.segs().length + 16);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 1, 2, 1, 0}).put(new byte[8]);
        b.putShort((short) 2).putShort((short) 20).putInt(1).putInt((int) c.entry()).putInt((int) c.phoff()).putInt(0).putInt(0)
                .putShort((short) 52).putShort((short) c.phentsize()).putShort((short) c.phnum()).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0);
        for (Seg s : c.segs()) {
            b.putInt(1).putInt((int) (s.offset() == CODE ? 52 + 32 * c.segs().length : s.offset())).putInt((int) s.vaddr()).putInt((int) s.paddr()).putInt((int) s.filesz())
                    .putInt((int) s.memsz()).putInt(5).putInt(4);
        }
        for (int i = 0; i < 4; i++) b.putInt(0x38600000);                 // li r3,0
        return b.array();
    }

    @TestFactory
    Stream<DynamicTest> whatTheLoaderRefusesTheConfigRefuses() {
        Seg text = new Seg(CODE, 0x10000, 0x10000, 16, 16);
        return Stream.of(
                new Case("overlap", 0x10000, 32, 2, 52, new Seg[] {text, new Seg(CODE, 0x10008, 0x10008, 8, 8)},
                        "segments 0 (p_paddr 0x10000, p_memsz 0x10) and 1 (p_paddr 0x10008, p_memsz 0x8) overlap in physical memory"),
                new Case("entry-outside", 0x30000, 32, 1, 52, new Seg[] {text},
                        "entry point e_entry 0x30000 lies in no PT_LOAD segment"),
                new Case("filesz-over-memsz", 0x10000, 32, 1, 52, new Seg[] {new Seg(CODE, 0x10000, 0x10000, 16, 8)},
                        "segment 0: p_filesz 0x10 exceeds p_memsz 0x8"),
                new Case("data-past-end", 0x10000, 32, 1, 52, new Seg[] {new Seg(0xffff0000L, 0x10000, 0x10000, 16, 16)},
                        "segment 0 data at file offset 0xffff0000"),
                new Case("phentsize-0", 0x10000, 0, 1, 52, new Seg[] {text}, "e_phentsize is 0, at least 32 expected"),
                new Case("table-past-end", 0x10000, 32, 3, 0xfffffff0L, new Seg[0], "program header table (3 entries of 32 bytes)"),
                new Case("zero-length-only", 0x10000, 32, 1, 52, new Seg[] {new Seg(CODE, 0x10000, 0x10000, 0, 0)},
                        "no loadable segment"),
                new Case("beyond-ram", 0xfffff000L, 32, 1, 52, new Seg[] {new Seg(CODE, 0xfffff000L, 0xfffff000L, 16, 0x2000)},
                        "segment 0 (p_paddr 0xfffff000, p_memsz 0x2000) lies outside guest RAM (0x100000 bytes)"))
            .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                Path image = Files.write(dir.resolve(c.name() + ".elf"), elf(c));
                Path conf = Files.writeString(dir.resolve(c.name() + ".conf"), "vm {\n  name = x\n  image = \"" + image + "\"\n}\n");
                ConfigProblem p = assertThrows(ConfigProblem.class, () -> loader.load(conf));
                assertTrue(p.getMessage().startsWith(conf + ":3: vm.image: " + image + ": "), p.getMessage());
                assertTrue(p.getMessage().contains(c.message()), p.getMessage());
            }));
    }

    @TestFactory
    Stream<DynamicTest> aSoundImageAndAFileThatIsNoElfPass() {
        return Stream.of(
                DynamicTest.dynamicTest("sound", () -> {
                    Path image = Files.write(dir.resolve("ok.elf"), elf(new Case("ok", 0x10000, 32, 1, 52,
                            new Seg[] {new Seg(CODE, 0x10000, 0x10000, 16, 16)}, "")));
                    Path conf = Files.writeString(dir.resolve("ok.conf"), "vm { name = x, image = \"" + image + "\" }\n");
                    assertEquals(1, loader.load(conf).vms().size());
                }),
                DynamicTest.dynamicTest("no ELF: left to the loader at boot", () -> {
                    Path image = Files.writeString(dir.resolve("stand-in.elf"), "x");
                    Path conf = Files.writeString(dir.resolve("stand-in.conf"), "vm { name = x, image = \"" + image + "\" }\n");
                    assertEquals(1, loader.load(conf).vms().size());
                }));
    }
}
