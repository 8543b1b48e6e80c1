package epaprlab.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Every outside program a test runs, with the Debian package that provides it. A test that
 * needs a missing tool fails naming the package to install (it never skips); {@code bin/test}
 * installs them all. Run one with {@link #run}.
 */
public enum OutsideTool {
    AS_32("powerpc-linux-gnu-as", Packages.BINUTILS_32),
    LD_32("powerpc-linux-gnu-ld", Packages.BINUTILS_32),
    NM_32("powerpc-linux-gnu-nm", Packages.BINUTILS_32),
    OBJCOPY_32("powerpc-linux-gnu-objcopy", Packages.BINUTILS_32),
    OBJDUMP_32("powerpc-linux-gnu-objdump", Packages.BINUTILS_32),
    ADDR2LINE_32("powerpc-linux-gnu-addr2line", Packages.BINUTILS_32),
    AS_64("powerpc64-linux-gnu-as", Packages.BINUTILS_64),
    LD_64("powerpc64-linux-gnu-ld", Packages.BINUTILS_64),
    NM_64("powerpc64-linux-gnu-nm", Packages.BINUTILS_64),
    OBJCOPY_64("powerpc64-linux-gnu-objcopy", Packages.BINUTILS_64),
    OBJDUMP_64("powerpc64-linux-gnu-objdump", Packages.BINUTILS_64),
    ADDR2LINE_64("powerpc64-linux-gnu-addr2line", Packages.BINUTILS_64),
    GCC_32("powerpc-linux-gnu-gcc", "gcc-powerpc-linux-gnu"),
    GCC_64("powerpc64-linux-gnu-gcc", "gcc-powerpc64-linux-gnu"),
    QEMU_PPC("qemu-ppc", "qemu-user"),
    QEMU_PPC64("qemu-ppc64", "qemu-user"),
    QEMU_SYSTEM_PPC("qemu-system-ppc", "qemu-system-ppc"),
    QEMU_SYSTEM_PPC64("qemu-system-ppc64", "qemu-system-ppc"),
    DTC("dtc", "device-tree-compiler"),
    GDB_MULTIARCH("gdb-multiarch", "gdb-multiarch"),
    MAKE("make", "make"),
    PYTHON3("python3", "python3"),
    BASH("bash", "bash");

    private static final class Packages {
        static final String BINUTILS_32 = "binutils-powerpc-linux-gnu";
        static final String BINUTILS_64 = "binutils-powerpc64-linux-gnu";
    }

    private final String command;
    private final String debianPackage;

    OutsideTool(String command, String debianPackage) {
        this.command = command;
        this.debianPackage = debianPackage;
    }

    /** The program's name ({@code powerpc-linux-gnu-as}). */
    public String command() { return command; }

    /** The Debian package that provides it. */
    public String debianPackage() { return debianPackage; }

    /** The tool of {@code name} for 32-bit (e500mc) or 64-bit (e5500) binutils: {@code binutil("objdump", true)}. */
    public static OutsideTool binutil(String name, boolean ppc64) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT) + (ppc64 ? "_64" : "_32"));
    }

    /** The tool run as {@code command} (a name, or a path ending in one); an AssertionError for an unknown program. */
    public static OutsideTool byCommand(String command) {
        String name = Path.of(command).getFileName().toString();
        for (OutsideTool t : values()) if (t.command.equals(name)) return t;
        throw new AssertionError(name + " is not an outside tool test-support knows: add it, with its Debian package, to "
                + OutsideTool.class.getName());
    }

    /** The absolute path of the program on PATH; an AssertionError naming the package when it is missing. */
    public String path() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) return p.toString();
        }
        throw new AssertionError(missing());
    }

    String missing() {
        return command + " not found on PATH: install the Debian package " + debianPackage + " (apt-get install "
                + debianPackage + "; bin/test installs it)";
    }

    /** A run of this tool with {@code args}; set options on it, then {@link ToolRun#output()} or {@link ToolRun#result()}. */
    public ToolRun run(String... args) {
        return new ToolRun(this, List.of(args));
    }

    /** As {@link #run(String...)}. */
    public ToolRun run(List<String> args) {
        return new ToolRun(this, args);
    }
}
