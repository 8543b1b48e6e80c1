package epaprlab.cli.command;

import epaprlab.cli.ExitCode;
import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.ElfSymbols;
import epaprlab.orchestrator.config.FileKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code epapr-lab symbolize ELF ADDR...}: names guest addresses by the image's symbol table the
 * way crash reports do ({@code main+0x24}), so a report from CI can be read later against the
 * image it ran. With no address given, reads them from standard input, one per line.
 */
@Command(name = "symbolize", mixinStandardHelpOptions = true,
        description = {"Names guest addresses by an ELF image's symbols, as crash reports do: 0x12c78 main+0x188.",
            "Addresses are hex (0x12c78 or 12c78); with none given, they are read from standard input, one per line.",
            "An address below every symbol shows as ?."})
public final class SymbolizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ELF", description = "the guest's ELF image (with its .symtab)")
    Path image;

    @Parameters(index = "1..*", paramLabel = "ADDR", description = "guest addresses in hex")
    List<String> addresses = new ArrayList<>();

    @Override
    public Integer call() {
        FileKind kind = FileKind.of(image);
        if (kind != FileKind.REGULAR) return fail(kind.problem(image));
        ElfSymbols symbols;
        try {
            symbols = ElfSymbols.read(image);
        } catch (BootException e) {
            return fail(e.getMessage());
        } catch (IOException e) {
            return fail(image + ": cannot read: " + e.getMessage());
        }
        if (symbols == ElfSymbols.NONE) return fail(image + ": no code symbols (not an ELF image, or stripped)");
        List<String> input = addresses;
        if (input.isEmpty()) {
            try {
                input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines()
                        .map(String::strip).filter(s -> !s.isEmpty()).toList();
            } catch (java.io.UncheckedIOException e) {
                return fail("standard input: " + e.getMessage());
            }
        }
        List<Long> parsed = new ArrayList<>();
        for (String a : input) {
            try {
                parsed.add(parse(a));
            } catch (NumberFormatException e) {
                return fail("\"" + a + "\" is not a hex address (0x12c78 or 12c78)");
            }
        }
        print(System.out, symbols, parsed);
        return ExitCode.OK.code();
    }

    static long parse(String text) {
        String hex = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (hex.isEmpty() || hex.length() > 16) throw new NumberFormatException(text);
        return Long.parseUnsignedLong(hex, 16);
    }

    static void print(PrintStream out, ElfSymbols symbols, List<Long> addresses) {
        StringBuilder b = new StringBuilder();
        for (long a : addresses) b.append("0x").append(Long.toHexString(a)).append(' ').append(symbols.describe(a)).append('\n');
        out.print(b);
        out.flush();
    }

    private static int fail(String message) {
        System.err.println("epapr-lab: " + message);
        return ExitCode.BAD_INPUT.code();
    }
}
