package epaprlab.ppc.disasm;

import static org.junit.jupiter.api.Assertions.fail;

import epaprlab.ppc.testing.ExternalTools;
import epaprlab.ppc.cpu.CpuModel;

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
 * The reference: GNU objdump 2.40 on raw big-endian words, {@code -D -b binary -EB
 * --adjust-vma=...} with {@code -m powerpc:common -M e500mc} (binutils-powerpc-linux-gnu) or
 * {@code -m powerpc:common64 -M e5500} (binutils-powerpc64-linux-gnu). A missing objdump fails
 * the test naming the Debian package; it never skips.
 */
final class Objdump {
    private Objdump() {}

    static final String PKG32 = ExternalTools.BINUTILS_32;
    static final String PKG64 = ExternalTools.BINUTILS_64;

    private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t((?:[0-9a-f]{2} ){4})\\t(.*)$");

    static String tool(String name, String pkg) { return ExternalTools.find(name, pkg); }

    static String objdump(CpuModel model) {
        return model.has64Bit() ? tool("powerpc64-linux-gnu-objdump", PKG64) : tool("powerpc-linux-gnu-objdump", PKG32);
    }

    /** objdump's text (after the hex bytes) for each word, laid out from {@code vma}. */
    static List<String> disassemble(CpuModel model, int[] words, long vma) {
        try {
            Path bin = Files.createTempFile("ppc-disasm", ".bin");
            try {
                ByteBuffer b = ByteBuffer.allocate(words.length * 4);
                for (int w : words) b.putInt(w);
                Files.write(bin, b.array());
                String out = exec(List.of(objdump(model), "-D", "-b", "binary",
                        "-m", model.has64Bit() ? "powerpc:common64" : "powerpc:common",
                        "-M", model.configName(), "-EB", "--adjust-vma=0x" + Long.toHexString(vma), bin.toString()));
                List<String> texts = new ArrayList<>();
                for (String line : out.split("\n")) {
                    Matcher m = LINE.matcher(line);
                    if (m.matches()) texts.add(m.group(3));
                }
                if (texts.size() != words.length) {
                    fail("objdump printed " + texts.size() + " instructions for " + words.length + " words");
                }
                return texts;
            } finally {
                Files.deleteIfExists(bin);
            }
        } catch (IOException e) {
            return fail("objdump failed", e);
        }
    }

    static String exec(List<String> cmd) throws IOException {
        return ExternalTools.run(cmd, Duration.ofSeconds(120));
    }
}
