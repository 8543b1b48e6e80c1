package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.fail;

import epaprlab.ppc.testing.ExternalTools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GNU binutils for PowerPC, used by the tests to check encodings (objdump) and to build small
 * guest programs (as + ld + objcopy). A missing tool fails the test with the Debian package to
 * install; it never skips.
 */
final class Binutils {
    private Binutils() {}

    static final String PKG32 = ExternalTools.BINUTILS_32;
    static final String PKG64 = ExternalTools.BINUTILS_64;

    /** Disassembler options tried in order; the first that does not print ".long" wins. */
    static final String[] DISASM_OPTIONS = {"e500mc,64", "e5500"};

    private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t(?:[0-9a-f]{2} ){4}\\s*\\t?(.*)$");

    static String tool(String name, String pkg) { return ExternalTools.find(name, pkg); }

    static String objdump() { return tool("powerpc-linux-gnu-objdump", PKG32); }

    /** Normalises disassembly text: collapse whitespace, drop spaces after commas and comments. */
    static String normalise(String s) {
        s = s.replaceAll("\\s*#.*$", "").trim();
        s = s.replaceAll("\\s+", " ");
        return s.replaceAll(",\\s+", ",");
    }

    /**
     * Disassembles {@code words} laid out from address {@code vma} with one -M option set;
     * returns one normalised text per word.
     */
    static List<String> disassemble(int[] words, long vma, String options) {
        try {
            Path bin = Files.createTempFile("ppc-words", ".bin");
            try {
                ByteBuffer b = ByteBuffer.allocate(words.length * 4);
                for (int w : words) b.putInt(w);
                Files.write(bin, b.array());
                String out = exec(List.of(objdump(), "-D", "-b", "binary", "-m", "powerpc", "-M", options, "-EB",
                        "--adjust-vma=0x" + Long.toHexString(vma), bin.toString()));
                List<String> texts = new ArrayList<>();
                for (String line : out.split("\n")) {
                    Matcher m = LINE.matcher(line);
                    if (m.matches()) texts.add(normalise(m.group(2)));
                }
                if (texts.size() != words.length) {
                    fail("objdump printed " + texts.size() + " instructions for " + words.length + " words:\n" + out);
                }
                return texts;
            } finally {
                Files.deleteIfExists(bin);
            }
        } catch (IOException e) {
            return fail("objdump failed", e);
        }
    }

    /** Disassembly of each word with the first option set that knows it. */
    static List<String> disassembleAny(int[] words, long vma) {
        List<String> best = null;
        for (String opt : DISASM_OPTIONS) {
            List<String> t = disassemble(words, vma, opt);
            if (best == null) { best = new ArrayList<>(t); continue; }
            for (int i = 0; i < t.size(); i++) {
                if (best.get(i).startsWith(".long") && !t.get(i).startsWith(".long")) best.set(i, t.get(i));
            }
        }
        return best;
    }

    /**
     * Assembles and links {@code source} at address 0 and returns the raw image of its allocated
     * sections.
     * 32-bit: powerpc-linux-gnu-as -mbooke -me500mc; 64-bit: powerpc64-linux-gnu-as -a64 -me5500.
     */
    static byte[] assemble(String source, boolean sixtyFour) {
        String prefix = sixtyFour ? "powerpc64-linux-gnu-" : "powerpc-linux-gnu-";
        String pkg = sixtyFour ? PKG64 : PKG32;
        String as = tool(prefix + "as", pkg), ld = tool(prefix + "ld", pkg), objcopy = tool(prefix + "objcopy", pkg);
        try {
            Path dir = Files.createTempDirectory("ppc-asm");
            try {
                Path src = dir.resolve("prog.s"), obj = dir.resolve("prog.o"), elf = dir.resolve("prog.elf"),
                        bin = dir.resolve("prog.bin");
                Files.writeString(src, "\t.text\n" + source + "\n", StandardCharsets.UTF_8);
                List<String> asCmd = sixtyFour
                        ? List.of(as, "-a64", "-mbooke", "-me5500", "-mregnames", "-o", obj.toString(), src.toString())
                        : List.of(as, "-a32", "-mbooke", "-me500mc", "-mregnames", "-o", obj.toString(), src.toString());
                exec(asCmd);
                exec(List.of(ld, "-Ttext=0", "-e", "0", "-N", "-o", elf.toString(), obj.toString()));
                exec(List.of(objcopy, "-O", "binary", elf.toString(), bin.toString()));
                return Files.readAllBytes(bin);
            } finally {
                try (var s = Files.walk(dir)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            return fail("assembling failed", e);
        }
    }

    private static String exec(List<String> cmd) throws IOException {
        return ExternalTools.run(cmd, Duration.ofSeconds(60));
    }
}
