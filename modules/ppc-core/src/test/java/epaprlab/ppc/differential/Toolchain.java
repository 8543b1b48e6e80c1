package epaprlab.ppc.differential;

import epaprlab.ppc.testing.ExternalTools;
import epaprlab.testsupport.OutsideTool;
import epaprlab.testsupport.ToolRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;

/**
 * The outside tools of the differential tests: GNU as/ld/nm/objdump and GCC for PowerPC, and
 * qemu-user as the oracle. A missing tool fails the test naming its Debian package (never skips).
 */
public final class Toolchain {
    private Toolchain() {}

    /** One target: the 32-bit e500mc toolchain + qemu-ppc, or the 64-bit e5500 one + qemu-ppc64. */
    public enum Target {
        PPC32("powerpc-linux-gnu-", "binutils-powerpc-linux-gnu", "gcc-powerpc-linux-gnu", "qemu-ppc", "e500mc",
                List.of("-a32", "-mbooke", "-me500mc", "-mregnames"), List.of()),
        PPC64("powerpc64-linux-gnu-", "binutils-powerpc64-linux-gnu", "gcc-powerpc64-linux-gnu", "qemu-ppc64", "e5500",
                List.of("-a64", "-mbooke", "-me5500", "-mregnames"), List.of("-m", "elf64ppc"));

        final String prefix, binutilsPkg, gccPkg, qemu, qemuCpu;
        final List<String> asFlags, ldFlags;

        Target(String prefix, String binutilsPkg, String gccPkg, String qemu, String qemuCpu, List<String> asFlags, List<String> ldFlags) {
            this.prefix = prefix; this.binutilsPkg = binutilsPkg; this.gccPkg = gccPkg; this.qemu = qemu;
            this.qemuCpu = qemuCpu; this.asFlags = asFlags; this.ldFlags = ldFlags;
        }

        public boolean wide() { return this == PPC64; }
        public String binutil(String name) { return tool(prefix + name, binutilsPkg); }
        public String gcc() { return tool(prefix + "gcc", gccPkg); }
        public String qemu() { return tool(qemu, "qemu-user"); }
        public String qemuCpu() { return qemuCpu; }
    }

    static String tool(String name, String pkg) { return ExternalTools.find(name, pkg); }

    /** Assembles {@code source} and links it statically at {@code textAddr} with entry {@code _start}. */
    public static Path assembleAndLink(Target t, String source, Path dir, String name, long textAddr) throws IOException {
        Path src = dir.resolve(name + ".s"), obj = dir.resolve(name + ".o"), elf = dir.resolve(name + ".elf");
        Files.writeString(src, source, StandardCharsets.UTF_8);
        List<String> as = new ArrayList<>(List.of(t.binutil("as")));
        as.addAll(t.asFlags);
        as.addAll(List.of("-o", obj.toString(), src.toString()));
        exec(as, null, null, 300);
        List<String> ld = new ArrayList<>(List.of(t.binutil("ld")));
        ld.addAll(t.ldFlags);
        ld.addAll(List.of("-static", "-Ttext=0x" + Long.toHexString(textAddr), "-e", "_start", "--no-warn-rwx-segments",
                "-o", elf.toString(), obj.toString()));
        exec(ld, null, null, 300);
        return elf;
    }

    /** Global and local symbols of an ELF, by name (nm). */
    public static Map<String, Long> symbols(Target t, Path elf) throws IOException {
        Map<String, Long> m = new HashMap<>();
        for (String line : exec(List.of(t.binutil("nm"), elf.toString()), null, null, 120).split("\n")) {
            String[] p = line.trim().split("\\s+");
            if (p.length == 3) m.put(p[2], Long.parseUnsignedLong(p[0], 16));
        }
        return m;
    }

    /** GNU objdump disassembly of [start, stop). */
    public static String disassemble(Target t, Path elf, long start, long stop) {
        try {
            String opt = t.wide() ? "e5500,64" : "e500mc";
            String out = exec(List.of(t.binutil("objdump"), "-d", "-M", opt, "--start-address=0x" + Long.toHexString(start),
                    "--stop-address=0x" + Long.toHexString(stop), elf.toString()), null, null, 60);
            StringBuilder sb = new StringBuilder();
            for (String line : out.split("\n")) if (line.matches("^\\s+[0-9a-f]+:\\t.*")) sb.append("    ").append(line.trim()).append('\n');
            return sb.toString();
        } catch (IOException e) {
            return "(objdump failed: " + e + ")";
        }
    }

    /**
     * Runs {@code cmd} with stdin from {@code in} (or none) and stdout to {@code out} (or
     * captured and returned, stderr apart); fails on a non-zero exit or after the time limit.
     */
    public static String exec(List<String> cmd, Path in, Path out, int timeoutSeconds) throws IOException {
        ToolRun run = OutsideTool.byCommand(cmd.getFirst()).run(cmd.subList(1, cmd.size()))
                .timeout(Duration.ofSeconds(timeoutSeconds)).stderrApart();
        if (in != null) run.stdin(in);
        if (out != null) run.stdout(out);
        return run.output();
    }

    /** Deletes a temporary directory tree unless {@code diff.keep} is set. */
    public static void cleanup(Path dir) throws IOException {
        if (Boolean.getBoolean("diff.keep")) return;
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
