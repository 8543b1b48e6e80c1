package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.testsupport.OutsideTool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code epapr-lab symbolize} against binutils: for addresses all over .text, the function is
 * addr2line -f's and the offset is from nm's address of that function.
 */
@Timeout(180)
class SymbolizeCommandTest {
    @ParameterizedTest
    @ValueSource(strings = {"chaos-e500mc", "chaos-e5500", "smp-counter-e500mc"})
    void namesAsAddr2lineAndNm(String name) throws Exception {
        Path elf = Path.of("../../sample-vms/images/" + name + ".elf");
        boolean is64 = name.endsWith("e5500");
        Map<String, Long> nm = new HashMap<>();
        String listing = OutsideTool.binutil("nm", is64).run(is64 ? List.of("--synthetic", elf.toString()) : List.of(elf.toString())).output();
        for (String line : listing.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && (f[1].equals("T") || f[1].equals("t"))) {
                nm.put(f[2].startsWith(".") ? f[2].substring(1) : f[2], Long.parseUnsignedLong(f[0], 16));
            }
        }
        List<String> addresses = new ArrayList<>();
        var text = epaprlab.machine.boot.ElfSections.executable(elf, java.nio.file.Files.readAllBytes(elf)).getFirst();
        for (long a = text.address(); a < text.address() + text.bytes().length; a += 0x14) addresses.add("0x" + Long.toHexString(a));
        List<String> a2l = new ArrayList<>(List.of("-f", "-e", elf.toString()));
        a2l.addAll(addresses);
        String[] functions = OutsideTool.binutil("addr2line", is64).run(a2l).output().split("\n");
        List<String> args = new ArrayList<>(List.of("symbolize", elf.toString()));
        args.addAll(addresses);
        var r = QuickstartEndToEndTest.cli(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        String[] ours = r.out().split("\n");
        assertEquals(addresses.size(), ours.length, r.out());
        int checked = 0;
        for (int i = 0; i < addresses.size(); i++) {
            long a = Long.decode(addresses.get(i));
            String function = functions[2 * i];
            checked++;
            long offset = a - nm.get(function);
            String expected = addresses.get(i) + " " + function + (offset == 0 ? "" : "+0x" + Long.toHexString(offset));
            assertEquals(expected, ours[i]);
        }
        assertTrue(checked > 300, checked + " addresses checked");
    }

    @Test
    void badInputIsRefusedByName() throws Exception {
        var notHex = QuickstartEndToEndTest.cli("symbolize", "../../sample-vms/images/chaos-e500mc.elf", "main");
        assertEquals(2, notHex.code(), notHex.err());
        assertTrue(notHex.err().contains("\"main\" is not a hex address"), notHex.err());
        var notElf = QuickstartEndToEndTest.cli("symbolize", "../../sample-vms/chaos.conf", "0x10000");
        assertEquals(2, notElf.code(), notElf.err());
        assertTrue(notElf.err().contains("chaos.conf: no code symbols"), notElf.err());
    }
}
