package epaprlab.machine.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.testsupport.OutsideTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The symbolizer against binutils: every 4th word of .text named as addr2line -f names it. */
@Timeout(120)
class ElfSymbolsTest {
    private static final Path IMAGES = Path.of("../../sample-vms/images");

    @ParameterizedTest
    @ValueSource(strings = {"chaos-e500mc", "chaos-e5500", "hello-e500mc", "hello-e5500", "smp-counter-e5500"})
    void functionOfEveryAddressIsAddr2linesFunction(String name) throws Exception {
        Path elf = IMAGES.resolve(name + ".elf");
        boolean is64 = name.endsWith("e5500");
        ElfSymbols symbols = ElfSymbols.read(elf);
        assertFalse(symbols.symbols().isEmpty());
        ElfSections.Section text = ElfSections.executable(elf, Files.readAllBytes(elf)).getFirst();
        List<String> addresses = new ArrayList<>();
        for (long a = text.address(); a < text.address() + text.bytes().length; a += 16) addresses.add("0x" + Long.toHexString(a));
        List<String> args = new ArrayList<>(List.of("-f", "-e", elf.toString()));
        args.addAll(addresses);
        String[] lines = OutsideTool.binutil("addr2line", is64).run(args).output().split("\n");
        assertEquals(addresses.size() * 2, lines.length);
        for (int i = 0; i < addresses.size(); i++) {
            long a = Long.decode(addresses.get(i));
            String expected = lines[2 * i];
            String ours = symbols.lookup(a).orElseThrow().symbol().name();
            assertEquals(expected, ours, "function of " + addresses.get(i) + " in " + elf);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"chaos-e500mc", "chaos-e5500"})
    void everyFunctionStartIsNmsAddress(String name) throws Exception {
        Path elf = IMAGES.resolve(name + ".elf");
        boolean is64 = name.endsWith("e5500");
        ElfSymbols symbols = ElfSymbols.read(elf);
        // nm --synthetic lists ELFv1 code entry points as ".name"; on 32-bit the T/t symbols are the code
        String out = OutsideTool.binutil("nm", is64).run(is64 ? List.of("--synthetic", elf.toString()) : List.of(elf.toString())).output();
        int checked = 0;
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 3 || !(f[1].equals("T") || f[1].equals("t"))) continue;
            String sym = is64 && f[2].startsWith(".") ? f[2].substring(1) : f[2];
            if (sym.equals("__image_start")) continue;          // an alias of _start: one name per address
            long address = Long.parseUnsignedLong(f[0], 16);
            assertEquals(sym, symbols.describe(address), line);
            assertEquals(address, symbols.byName(sym).orElseThrow().address());
            checked++;
        }
        assertTrue(checked > 20, out);
    }

    @Test
    void belowEveryNameIsNone() throws Exception {
        ElfSymbols symbols = ElfSymbols.read(IMAGES.resolve("chaos-e500mc.elf"));
        assertTrue(symbols.lookup(0xFFC).isEmpty());
        assertEquals("?", symbols.describe(0x100));
        assertEquals("_start+0x8", symbols.describe(0x10008));
    }

    @Test
    void notElfHasNoSymbolsAndACutTableNamesTheFile(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("firmware.bin");
        Files.write(raw, new byte[256]);
        assertSame(ElfSymbols.NONE, ElfSymbols.read(raw));
        byte[] good = Files.readAllBytes(IMAGES.resolve("chaos-e500mc.elf"));
        Path cut = dir.resolve("cut.elf");
        Files.write(cut, Arrays.copyOf(good, good.length - 100));       // the section headers are at the end
        var e = assertThrows(BootException.Truncated.class, () -> ElfSymbols.read(cut));
        assertTrue(e.getMessage().startsWith(cut.toString()) && e.getMessage().contains("section header table"), e.getMessage());
    }
}

