package epaprlab.cli.command;

import com.typesafe.config.ConfigFactory;
import epaprlab.cli.ExitCode;
import epaprlab.machine.board.Machine;
import epaprlab.orchestrator.vm.ImageCache;
import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.ResetReason;
import epaprlab.orchestrator.config.ConfigProblem;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.config.VmConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code epapr-lab dtb <vm.conf>}: writes the device tree blob a guest would get to stdout. */
@Command(name = "dtb", mixinStandardHelpOptions = true,
        description = {"Writes the flattened device tree blob the guest gets in r3 to stdout.",
            "Read it with: epapr-lab dtb vm.conf | dtc -I dtb -O dts"})
public final class DtbCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "a VM file, or a lab file together with --vm")
    Path config;

    @Option(names = "--vm", paramLabel = "NAME", description = "which VM of a lab file")
    String vmName;

    @Option(names = "--boot", paramLabel = "N", defaultValue = "1", description = "boot count to write (default: ${DEFAULT-VALUE})")
    int boot;

    @Option(names = "--reason", paramLabel = "REASON", defaultValue = "power-on",
            description = "reset reason to write: power-on, guest-reset, watchdog, crash-restart, host-request (default: ${DEFAULT-VALUE})")
    String reason;

    @Override
    public Integer call() throws Exception {
        LabConfig lab;
        try {
            lab = new LabConfigLoader(ConfigFactory.load()).load(config);
        } catch (ConfigProblem p) {
            return fail(epaprlab.cli.report.TerminalText.escape(p.getMessage()));
        }
        VmConfig vm;
        if (vmName != null) {
            vm = lab.vms().stream().filter(v -> v.name().equals(vmName)).findFirst().orElse(null);
            if (vm == null) return fail(config + ": no VM named \"" + vmName + "\" (VMs: " + names(lab) + ")");
        } else if (lab.vms().size() == 1) {
            vm = lab.vms().get(0);
        } else {
            return fail(config + " is a lab of " + lab.vms().size() + " VMs; choose one with --vm (" + names(lab) + ")");
        }
        ResetReason why = Arrays.stream(ResetReason.values()).filter(r -> r.dtValue().equals(reason)).findFirst().orElse(null);
        if (why == null) return fail("--reason: unknown reset reason \"" + reason + "\"");
        if (boot < 1) return fail("--boot: boot count starts at 1, got " + boot);
        try {
            Machine board = new ImageCache().build(vm);         // either board: epapr or ppce500
            System.out.write(board.deviceTreeBlob(boot, why));
            System.out.flush();
        } catch (BootException | java.io.IOException e) {    // a file unreadable now, or no heap for its RAM
            return fail(e.getMessage());
        }
        return ExitCode.OK.code();
    }

    private static String names(LabConfig lab) {
        return lab.vms().stream().map(VmConfig::name).collect(Collectors.joining(", "));
    }

    private static int fail(String message) {
        System.err.println("epapr-lab: " + message);
        return ExitCode.BAD_INPUT.code();
    }
}
