package epaprlab.orchestrator.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.Spr;
import epaprlab.ppc.exec.SystemRegisters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The stub's SPR list follows the engine's SPR table: what the core has, nothing it lacks. */
class BookeSprsTest {
    /** Numbers the table has that the feature does not serve: gdb's core registers and other views of served ones. */
    static final Set<Integer> NOT_SERVED = Set.of(Spr.XER, Spr.LR, Spr.CTR, Spr.TBL_R, Spr.TBU_R, Spr.MAS7_MAS3,
            Spr.SPRG3_RO, Spr.SPRG4_RO, Spr.SPRG5_RO, Spr.SPRG6_RO, Spr.SPRG7_RO);

    @ParameterizedTest
    @EnumSource(CpuModel.class)
    @Timeout(10)
    void servesEverySprTheCoreHasAndNoOther(CpuModel model) {
        BookeSprs sprs = BookeSprs.of(model);
        Map<String, BookeSprs.Reg> byName = new HashMap<>();
        List<Integer> served = new ArrayList<>();
        for (int i = 0; i < sprs.count(); i++) {
            BookeSprs.Reg r = sprs.reg(i);
            byName.put(r.name(), r);
            served.add(r.spr());
            assertTrue(SystemRegisters.implemented(model, r.spr()), r.name() + " is not in the core's SPR table");
        }
        for (int n = 0; n < 1024; n++) {
            if (SystemRegisters.implemented(model, n) && !NOT_SERVED.contains(n)) {
                assertTrue(served.contains(n), "SPR " + n + " is in the core's table but not served");
            }
        }
        for (String gone : List.of("mas5", "mas8", "l2csr1", "ivor32")) assertFalse(byName.containsKey(gone), gone);
        assertEquals(model.has64Bit(), byName.containsKey("epcr"));
        assertEquals(BookeSprs.Write.READ_ONLY, byName.get("pvr").write());
        assertEquals(BookeSprs.Write.READ_ONLY, byName.get("tlb1cfg").write());
        assertEquals(BookeSprs.Write.ONE_TO_CLEAR, byName.get("tsr").write());
        assertEquals(BookeSprs.Write.MTSPR, byName.get("pir").write());        // QEMU's mtspr PIR writes
        assertEquals(model.has64Bit() ? 8 : 4, byName.get("mas2").bytes());
    }
}
