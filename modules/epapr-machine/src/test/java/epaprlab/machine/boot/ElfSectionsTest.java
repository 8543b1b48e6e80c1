package epaprlab.machine.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.testsupport.OutsideTool;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Executable sections of the sample images against objdump -h; malformed section tables name the file. */
class ElfSectionsTest {
    private static final Path IMAGES = Path.of("../../sample-vms/images");
    /** objdump -h: "  0 .text  000028a8  0000000000010000  ... File off ..." then a flags line. */
    private static final Pattern HEADER = Pattern.compile(
            "^\\s*\\d+ (\\S+)\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s+[0-9a-f]+\\s+([0-9a-f]+)\\s+\\S+\\n\\s+(.*)$", Pattern.MULTILINE);

    @ParameterizedTest
    @ValueSource(strings = {"hello-e500mc", "hello-e5500", "reset-loop-e500mc", "reset-loop-e5500"})
    void executableSectionsAreObjdumpsCodeSections(String name) throws Exception {
        Path elf = IMAGES.resolve(name + ".elf");
        byte[] bytes = Files.readAllBytes(elf);
        boolean is64 = name.endsWith("e5500");
        String out = OutsideTool.binutil("objdump", is64).run("-h", elf.toString()).output();
        List<String> expected = new ArrayList<>();
        Matcher m = HEADER.matcher(out);
        while (m.find()) {
            if (!m.group(5).contains("CODE")) continue;
            int off = Integer.parseInt(m.group(4), 16), size = Integer.parseInt(m.group(2), 16);
            expected.add(m.group(1) + "@" + Long.parseLong(m.group(3), 16) + ":" + Arrays.hashCode(Arrays.copyOfRange(bytes, off, off + size)));
        }
        assertTrue(!expected.isEmpty(), out);
        List<String> ours = ElfSections.executable(elf, bytes).stream()
                .map(s -> s.name() + "@" + s.address() + ":" + Arrays.hashCode(s.bytes())).toList();
        assertEquals(expected, ours);
        assertEquals(is64, ElfSections.is64(elf, bytes));
    }

    @Test
    void noSectionHeadersNamesTheFile() {
        Path f = Path.of("guest.elf");
        byte[] bytes = ElfBuilder.simple(false, 0x10000, 0x100).bytes();   // e_shnum = 0
        var e = assertThrows(BootException.Malformed.class, () -> ElfSections.executable(f, bytes));
        assertTrue(e.getMessage().startsWith("guest.elf: ") && e.getMessage().contains("e_shnum = 0"), e.getMessage());
    }

    @Test
    void truncatedSectionTableAndBadNameIndexAreRefused() throws Exception {
        Path elf = IMAGES.resolve("hello-e500mc.elf");
        byte[] good = Files.readAllBytes(elf);
        byte[] truncated = Arrays.copyOf(good, good.length - 8);              // section headers sit at the end
        var t = assertThrows(BootException.Truncated.class, () -> ElfSections.executable(elf, truncated));
        assertTrue(t.getMessage().contains("section header table"), t.getMessage());
        byte[] badIndex = good.clone();
        ByteBuffer.wrap(badIndex).putShort(50, (short) 0x7fff);             // e_shstrndx
        var b = assertThrows(BootException.Malformed.class, () -> ElfSections.executable(elf, badIndex));
        assertTrue(b.getMessage().contains("e_shstrndx"), b.getMessage());
        assertArrayEquals(Arrays.copyOf(good, 4), new byte[] {0x7f, 'E', 'L', 'F'});
    }
}
