package epaprlab.ppc.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GuestMemoryTest {
    @Test
    void writesToMarkedCodePagesBumpTheirVersionOnce() {
        GuestMemory m = new GuestMemory(4 * 4096);
        int v = m.markCode(1);
        m.store32(0x100, 1);                      // page 0: not marked
        assertEquals(0, m.codeVersion(0));
        m.store32(0x1000, 1);
        assertEquals(v + 1, m.codeVersion(1));
        m.store32(0x1004, 1);                     // mark cleared: no further bump until re-marked
        assertEquals(v + 1, m.codeVersion(1));
        m.markCode(1);
        m.markCode(2);
        m.store64(0x1ffc, 0);                     // straddles pages 1 and 2
        assertEquals(v + 2, m.codeVersion(1));
        assertEquals(1, m.codeVersion(2));
        m.markCode(3);
        m.write(0x3000, new byte[8], 0, 8);
        assertEquals(1, m.codeVersion(3));
        m.markCode(3);
        m.zero(0x3ff0, 16);
        assertEquals(2, m.codeVersion(3));
        m.markCode(0);
        m.clear();
        assertEquals(1, m.codeVersion(0));
    }

    @Test
    void hostAccessOutsideRamIsAMemoryFault() {
        GuestMemory m = new GuestMemory(4096);
        MemoryFault f = assertThrows(MemoryFault.class, () -> m.load32(4094));
        assertEquals(4094, f.address());
        assertThrows(IllegalArgumentException.class, () -> new GuestMemory(1000));
    }
}
