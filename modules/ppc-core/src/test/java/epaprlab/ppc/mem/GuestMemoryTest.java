package epaprlab.ppc.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GuestMemoryTest {
    @Test
    void hostAccessOutsideRamIsAMemoryFault() {
        GuestMemory m = new GuestMemory(4096);
        MemoryFault f = assertThrows(MemoryFault.class, () -> m.load32(4094));
        assertEquals(4094, f.address());
        assertThrows(IllegalArgumentException.class, () -> new GuestMemory(1000));
    }
}
