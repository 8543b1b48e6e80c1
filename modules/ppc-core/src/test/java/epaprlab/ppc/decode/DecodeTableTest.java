package epaprlab.ppc.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.exec.FixedPoint;
import epaprlab.ppc.exec.LoadStore;
import epaprlab.ppc.exec.Op;

import org.junit.jupiter.api.Test;

class DecodeTableTest {
    @Test
    void aSlotFilledTwiceIsRefused() {
        String[] names = new String[4];
        Op[] t = DecodeTable.emptyTable(4, names);
        DecodeTable.put(t, names, 1, "add", FixedPoint::add);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DecodeTable.put(t, names, 1, "lwz", LoadStore::lwz));
        assertEquals("decode slot 1 filled twice (add, lwz)", e.getMessage());
    }

    @Test
    void modelsHaveTheirOwnTables() {
        DecodeTable mc = DecodeTable.forModel(CpuModel.E500MC), e55 = DecodeTable.forModel(CpuModel.E5500);
        assertNotSame(mc, e55);
        assertTrue(mc.isIllegal(0xe8640008));              // ld r3,8(r4)
        assertEquals("ld", e55.name(0xe8640008));
        assertEquals("rldicl", e55.name(0x78830e20));      // rldicl r3,r4,1,56 (sh[5] = 0)
        assertEquals("rldicl", e55.name(0x78830622));      // srdi with sh[5] = 1 uses the odd slot
        assertEquals("sradi", e55.name(0x7c83fe76));       // sradi r3,r4,63 (sh[5] = 1)
        assertEquals("addi", mc.name(0x38640001));
        for (int w : new int[] {0x7c642a14, 0x7c642e14, 0x7c642a15, 0x7c642e15}) assertEquals("add", mc.name(w));
    }

    @Test
    void fieldsFollowTheIsaLayout() {
        assertEquals(-4, Fields.li(0x4bfffffc));           // b .-4
        assertEquals(0x100, Fields.li(0x48000102));        // ba 0x100
        assertEquals(-256, Fields.bd(0x409eff00));
        assertEquals(287, Fields.spr(0x7c7f42a6));         // mfpvr r3
        assertEquals(63, Fields.sh6(0x7c83fe76));
        assertEquals(56, Fields.mb6(0x78830e20));
        assertEquals(1, Fields.lev(0x44000022));
        assertEquals(7, Fields.bf(0x7f800000));
    }
}
