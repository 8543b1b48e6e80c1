package epaprlab.cli;

import epaprlab.cli.command.BenchCommand;
import epaprlab.cli.command.DtbCommand;
import epaprlab.cli.command.DisasmCommand;
import epaprlab.cli.command.RunCommand;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code epapr-lab} command: wiring only. */
@Command(name = "epapr-lab",
        mixinStandardHelpOptions = true,
        version = "epapr-lab 0.1.0",
        description = {
            "Runs many supervised PowerPC ePAPR guest VMs (e500mc 32-bit, e5500 64-bit) in one JVM.",
            "",
            "Exit codes (the highest applies):"},   // the codes themselves: ExitCode.usageLines()
        subcommands = {RunCommand.class, DtbCommand.class, DisasmCommand.class, epaprlab.cli.command.SymbolizeCommand.class, BenchCommand.class, epaprlab.cli.command.ServeCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: run, dtb, disasm, symbolize, bench, serve or help");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int execute(String... args) {
        // Bind SLF4J before Akka logs from several threads at once, which would make SLF4J
        // print a "replayed calls" warning on stderr.
        org.slf4j.LoggerFactory.getILoggerFactory();
        java.util.Optional<String> badProperty = JvmProperties.problem(System.getProperties());
        if (badProperty.isPresent()) {
            System.err.println("epapr-lab: " + badProperty.get());
            return ExitCode.BAD_INPUT.code();
        }
        CommandLine cli = new CommandLine(new Main());
        List<String> description = new ArrayList<>(List.of(cli.getCommandSpec().usageMessage().description()));
        description.addAll(ExitCode.usageLines());
        cli.getCommandSpec().usageMessage().description(description.toArray(String[]::new));
        return cli
                .setExitCodeExceptionMapper(e -> ExitCode.INTERNAL_ERROR.code())
                .setParameterExceptionHandler((ex, a) -> {
                    ex.getCommandLine().getErr().println("epapr-lab: " + ex.getMessage());
                    ex.getCommandLine().usage(ex.getCommandLine().getErr());
                    return ExitCode.BAD_INPUT.code();
                })
                .execute(args);
    }
}
