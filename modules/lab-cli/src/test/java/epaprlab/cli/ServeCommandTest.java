package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code serve} refuses unsafe or impossible settings before it starts anything. */
@Timeout(60)
class ServeCommandTest {
    private static String stderrOf(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(ExitCode.BAD_INPUT.code(), Main.execute(args));
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aNonLoopbackBindWithoutATokenIsRefused() {
        String err = stderrOf("serve", "--bind", "0.0.0.0", "--port", "0", "--images", "../../sample-vms/images");
        assertTrue(err.contains("--bind 0.0.0.0") && err.contains("token"), err);
    }

    @Test
    void aMissingImagesDirectoryAndABadSeedAreRefused() {
        assertTrue(stderrOf("serve", "--port", "0", "--images", "no/such/dir").contains("--images"));
        assertTrue(stderrOf("serve", "--port", "0", "--images", "../../sample-vms/images", "--cluster-port", "0",
                "--seed", "nocolon").contains("--seed"));
    }
}
