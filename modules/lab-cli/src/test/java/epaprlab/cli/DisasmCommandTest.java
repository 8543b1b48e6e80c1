package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import epaprlab.testsupport.OutsideTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code epapr-lab disasm} against GNU objdump on the committed sample images: every instruction
 * line (address, bytes, text) must equal {@code objdump -d -z -M e500mc|e5500}'s, with objdump's
 * {@code <symbol+off>} suffixes removed and its symbol label and blank lines ignored (the command
 * prints no symbols). Section headers must appear in the same order.
 */
class DisasmCommandTest {
    @TempDir Path dir;

    static final Pattern INSN = Pattern.compile("^\\s*[0-9a-f]+:\\t.*$");

    /** objdump's instruction and section lines, symbol suffixes stripped. */
    static List<String> reference(Path elf, boolean is64) throws IOException, InterruptedException {
        String out = OutsideTool.binutil("objdump", is64).run("-d", "-z", "-M", is64 ? "e5500" : "e500mc", elf.toString())
                .output();
        return relevant(out.replaceAll(" <[^>\\n]*>(?=\\n)", ""));
    }

    static List<String> relevant(String text) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (INSN.matcher(l).matches() || l.startsWith("Disassembly of section ")) out.add(l);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello-e500mc", "hello-e5500", "reset-loop-e500mc", "reset-loop-e5500"})
    void sampleImagesMatchObjdump(String name) throws Exception {
        Path elf = Path.of("../../sample-vms/images/" + name + ".elf");
        var r = QuickstartEndToEndTest.cli("disasm", elf.toString());
        assertEquals(0, r.code(), r.err());
        List<String> ours = relevant(r.out()), ref = reference(elf, name.endsWith("e5500"));
        assertTrue(ref.size() > 500, ref.size() + " objdump lines");
        List<String> diff = new ArrayList<>();
        for (int i = 0; i < Math.max(ours.size(), ref.size()); i++) {
            String a = i < ours.size() ? ours.get(i) : "(none)", b = i < ref.size() ? ref.get(i) : "(none)";
            if (!a.equals(b)) diff.add("objdump [" + b + "]\n   ours [" + a + "]");
        }
        assertEquals(List.of(), diff.subList(0, Math.min(40, diff.size())), diff.size() + " lines differ");
    }

    @Test
    void cpuOptionOverridesTheElfClass() {
        // a 64-bit instruction word read as e500mc is not an instruction: ld/std print as .long
        var r = QuickstartEndToEndTest.cli("disasm", "../../sample-vms/images/hello-e5500.elf", "--cpu", "e500mc");
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("\\tf8 01 ff 91 \\t(.*)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(".long 0xf801ff91", m.group(1));   // stdu r0,-112(r1) with -M e5500
    }

    @Test
    void badInputNamesTheFile() throws IOException {
        Path notElf = Files.writeString(dir.resolve("notes.txt"), "hello");
        var r = QuickstartEndToEndTest.cli("disasm", notElf.toString());
        assertEquals(ExitCode.BAD_INPUT.code(), r.code());
        assertTrue(r.err().contains(notElf.toString()) && r.err().contains("not an ELF file"), r.err());
        var c = QuickstartEndToEndTest.cli("disasm", "../../sample-vms/images/hello-e500mc.elf", "--cpu", "e6500");
        assertEquals(ExitCode.BAD_INPUT.code(), c.code());
        assertTrue(c.err().contains("unknown CPU model \"e6500\""), c.err());
        var directory = QuickstartEndToEndTest.cli("disasm", dir.toString());
        assertEquals("epapr-lab: " + dir + " is a directory, not a regular file\n", directory.err());
        var device = QuickstartEndToEndTest.cli("disasm", "/dev/zero");
        assertEquals("epapr-lab: /dev/zero is a character device, not a regular file\n", device.err());
        var missing = QuickstartEndToEndTest.cli("disasm", dir.resolve("none.elf").toString());
        assertEquals(ExitCode.BAD_INPUT.code(), missing.code());
        assertTrue(missing.err().contains("none.elf"), missing.err());
    }
}
