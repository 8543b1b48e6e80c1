package epaprlab.cli.command;

import epaprlab.cli.ExitCode;
import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.ElfSections;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.disasm.Disassembler;
import epaprlab.orchestrator.config.FileKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code epapr-lab disasm <elf> [--cpu e500mc|e5500]}: disassembles the executable sections the
 * way {@code objdump -d -z} does, one line per instruction word, without symbol labels:
 * {@code "   10000:\t7c 08 02 a6 \tmflr    r0"}; branch targets are bare hex addresses.
 */
@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = {"Disassembles the executable sections of a guest ELF image with the engine's decode tables.",
            "Lines match powerpc-linux-gnu-objdump -d -z -M e500mc (or powerpc64-... -M e5500) without symbol names."})
public final class DisasmCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ELF", description = "a 32-bit or 64-bit big-endian PowerPC ELF image")
    Path image;

    @Option(names = "--cpu", paramLabel = "MODEL",
            description = "e500mc or e5500 (default: e500mc for ELFCLASS32, e5500 for ELFCLASS64)")
    String cpu;

    private static final long MAX_IMAGE_BYTES = 256L << 20;

    @Override
    public Integer call() {
        FileKind kind = FileKind.of(image);
        if (kind != FileKind.REGULAR) return fail(kind.problem(image));
        byte[] bytes;
        try {
            // the section table may lie anywhere in the file, so disasm reads it whole: bound it
            if (Files.size(image) > MAX_IMAGE_BYTES) {
                return fail(image + ": " + Files.size(image) + " bytes; disasm reads images of at most " + (MAX_IMAGE_BYTES >> 20) + " MiB");
            }
            bytes = Files.readAllBytes(image);
        } catch (IOException e) {
            return fail(image + ": cannot read: " + e.getMessage());
        }
        try {
            CpuModel model;
            if (cpu == null) {
                model = ElfSections.is64(image, bytes) ? CpuModel.E5500 : CpuModel.E500MC;
            } else {
                model = CpuModel.byConfigName(cpu).orElse(null);
                if (model == null) return fail("--cpu: unknown CPU model \"" + cpu + "\" (e500mc or e5500)");
            }
            print(System.out, model, ElfSections.executable(image, bytes));
        } catch (BootException e) {
            return fail(e.getMessage());
        }
        return ExitCode.OK.code();
    }

    /** objdump -d's layout: a section header, then address (hex, right-aligned in 8), the 4 bytes, the text. */
    static void print(PrintStream out, CpuModel model, java.util.List<ElfSections.Section> sections) {
        HexFormat hex = HexFormat.ofDelimiter(" ");
        StringBuilder sb = new StringBuilder();
        for (ElfSections.Section s : sections) {
            sb.append("\nDisassembly of section ").append(s.name()).append(":\n\n");
            byte[] b = s.bytes();
            for (int i = 0; i + 4 <= b.length; i += 4) {
                long pc = s.address() + i;
                int word = ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
                String text = Disassembler.disassemble(model, pc, word, Long::toHexString).objdumpText();
                sb.append("%8s:\t%s \t%s\n".formatted(Long.toHexString(pc), hex.formatHex(b, i, i + 4), text));
            }
            out.print(sb);
            sb.setLength(0);
        }
        out.flush();
    }

    private static int fail(String message) {
        System.err.println("epapr-lab: " + message);
        return ExitCode.BAD_INPUT.code();
    }
}
