package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The binutils helper fails (never skips) when a tool is missing, naming the Debian package. */
class BinutilsTest {
    @Test
    void missingToolFailsNamingThePackage() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Binutils.tool("powerpc-linux-gnu-no-such-tool", Binutils.PKG32));
        assertTrue(e.getMessage().contains("binutils-powerpc-linux-gnu"), e.getMessage());
    }
}
