package epaprlab.machine.board;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The fields of the boards and of the engine's VM and vCPU, each either saved by a snapshot (and
 * restored) or wiring fixed when the machine is built. A class that gains a field fails here until
 * the snapshot covers it (or it is named as wiring, with the reason). The devices have their own
 * guard ({@code DeviceStateTest}).
 */
class MachineStateCoverageTest {
    record Fields(Set<String> saved, Set<String> wiring) {}

    static final Map<String, Fields> CLASSES = Map.of(
            // the Cpu is saved whole (CpuSnapshot); a pending start is applied before saving; the wake hook is the host's
            "epaprlab.machine.engine.SoftVcpu", new Fields(Set.of("cpu", "hcallPending", "hcallWide", "halted", "exit", "pendingStart"),
                    // rewound: the host's count of work done (instructionsExecuted), which a restore must not undo;
                    // instructionTime comes from the spec; runStartTb is set again by every run from the saved TB
                    Set.of("id", "vm", "exitHcallEnabled", "wakeHook", "rewound", "instructionTime", "runStartTb")),
            // earlyInput: empty once a board connected its console device, which every board does when built
            "epaprlab.machine.engine.SoftVm", new Fields(Set.of("memory", "systemEvent", "vcpus"),
                    Set.of("spec", "consoleDevice", "consoleUnread", "earlyInput")),
            "epaprlab.machine.board.Board", new Fields(Set.of("spinTableBase", "released", "console", "vm"),
                    Set.of("pristine", "spec", "image", "vcpus")),
            // GUTS has no state; oneByte is a scratch buffer; the bus and the console output are wiring
            "epaprlab.machine.board.Ppce500Board", new Fields(Set.of("vm", "mpic", "uart", "pciHost", "i2c", "rtc", "gpio",
                    "spinTable", "hcallConsole"),
                    Set.of("spec", "images", "layout", "vcpus", "bus", "consoleOutput", "oneByte", "pristine")));

    @Test
    void everyFieldOfTheBoardsAndTheEngineIsSavedOrWiring() throws Exception {
        for (var e : CLASSES.entrySet()) {
            Set<String> fields = new TreeSet<>();
            for (Field f : Class.forName(e.getKey()).getDeclaredFields()) if (!Modifier.isStatic(f.getModifiers())) fields.add(f.getName());
            Set<String> known = new TreeSet<>(e.getValue().saved());
            known.addAll(e.getValue().wiring());
            assertEquals(known, fields, e.getKey() + " has fields a snapshot does not cover (or lost some): "
                    + "save them in its snapshot and update MachineStateCoverageTest");
        }
    }
}
