package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
    void aConfigNestedThousandsDeepIsRefusedByLineAsRunRefusesIt(@TempDir Path dir) throws Exception {
        Path deep = dir.resolve("deep.conf");
        Files.writeString(deep, "epapr-lab.host.port = 0\nx = " + "{a = ".repeat(5_000) + "1" + "}".repeat(5_000) + "\n");
        String err = stderrOf("serve", "--config", deep.toString(), "--images", "../../sample-vms/images");
        assertTrue(err.startsWith("epapr-lab: --config: " + deep + ":2: objects or lists nested more than 64 levels deep")
                && err.strip().lines().count() == 1, err);
    }

    @Test
    void aConfigThatIsNoRegularFileOrHasAWrongTypeIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        assertTrue(stderrOf("serve", "--config", dir.toString()).contains(dir + " is a directory"));
        Path typed = dir.resolve("typed.conf");
        Files.writeString(typed, "epapr-lab.host.port = eighty\n");
        String err = stderrOf("serve", "--config", typed.toString(), "--images", "../../sample-vms/images");
        assertTrue(err.contains("--config " + typed) && err.contains("port") && err.strip().lines().count() == 1, err);
        // the parser quotes the file's text: a terminal escape in it is shown as \xNN, as run shows it
        Path escape = Files.writeString(dir.resolve("escape.conf"), "epapr-lab.host.port = 0\nx\u001b[2Jy\n");
        String quoted = stderrOf("serve", "--config", escape.toString(), "--images", "../../sample-vms/images");
        assertTrue(quoted.startsWith("epapr-lab: --config: " + escape + ":") && quoted.indexOf('\u001b') < 0
                && quoted.contains("\\x1b"), quoted);
    }

    /** A token file that cannot be read ended serve with an exception's trace; an empty value meant the cwd or any address. */
    @Test
    void anUnreadableTokenFileAndEmptyValuesAreRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path latin1 = Files.write(dir.resolve("latin1"), new byte[] {(byte) 0xE9, 'a', '\n'});
        for (String[] c : new String[][] {
                {"--token-file=" + dir.resolve("none"), "--token-file " + dir.resolve("none") + ": no such file"},
                {"--token-file=" + dir, "--token-file " + dir + " is a directory"},
                {"--token-file=" + latin1, "--token-file " + latin1 + ": cannot read it: "},
                {"--images=", "--images: nothing given (expected --images DIR)"},
                {"--bind=", "--bind: nothing given (expected --bind ADDR)"},
                {"--token-file=", "--token-file: nothing given (expected --token-file FILE)"}}) {
            String err = stderrOf("serve", "--port", "0", c[0]);
            assertTrue(err.startsWith("epapr-lab: " + c[1]) && err.strip().lines().count() == 1, c[0] + ": " + err);
        }
    }

    /** Without --cluster-port (or its config key) --seed and --cluster-host were ignored: a lone host, not a cluster node. */
    @Test
    void clusterOptionsWithoutAClusterPortAreRefused(@TempDir Path dir) throws Exception {
        for (String[] c : new String[][] {{"--seed", "127.0.0.1:25520"}, {"--cluster-host", "127.0.0.1"}}) {
            String err = stderrOf("serve", "--port", "0", "--images", "../../sample-vms/images", c[0], c[1]);
            assertTrue(err.startsWith("epapr-lab: " + c[0] + ": only for a cluster node: give --cluster-port N too")
                    && err.strip().lines().count() == 1, err);
        }
        // the port from --config makes them a node's options: checked as such (here a bad seed)
        Path conf = Files.writeString(dir.resolve("node.conf"), "epapr-lab.host.cluster.port = 0\n");
        assertTrue(stderrOf("serve", "--config", conf.toString(), "--port", "0", "--images", "../../sample-vms/images",
                "--seed", "nocolon").contains("--seed: expected HOST:PORT"));
    }

    @Test
    void aMissingImagesDirectoryAndABadSeedAreRefused() {
        assertTrue(stderrOf("serve", "--port", "0", "--images", "no/such/dir").contains("--images"));
        assertTrue(stderrOf("serve", "--port", "0", "--images", "../../sample-vms/images", "--cluster-port", "0",
                "--seed", "nocolon").contains("--seed"));
    }
}
