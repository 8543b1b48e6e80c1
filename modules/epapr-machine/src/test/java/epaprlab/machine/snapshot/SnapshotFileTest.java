package epaprlab.machine.snapshot;

import static org.junit.jupiter.api.Assertions.*;

import epaprlab.machine.board.Board;
import epaprlab.machine.board.BoardSpec;
import epaprlab.machine.boot.ElfImage;
import epaprlab.machine.boot.ResetReason;
import epaprlab.machine.hcall.EnabledHypercalls;
import epaprlab.machine.snapshot.SnapshotFileException.Problem;
import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.TimeSource;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot files on disk: a round trip, and every kind of damage refused with the file and the problem named. */
@Timeout(120)
class SnapshotFileTest {
    private static final Path IMAGE = Path.of("../../sample-vms/images/snapshot-e500mc.elf");

    @TempDir Path dir;
    private Path file;
    private MachineSnapshot snapshot;

    static Board board() throws Exception {
        BoardSpec spec = new BoardSpec("file-test", 1, CpuModel.E500MC, 1 << 20, 1, EnabledHypercalls.ALL, true, "",
                400_000_000L, 400_000_000L, 4096, TimeSource.INSTRUCTIONS, Cpu.DEFAULT_COMPILE_THRESHOLD);
        return Board.assemble(spec, ElfImage.parse(IMAGE, Files.readAllBytes(IMAGE)));
    }

    @BeforeEach
    void writeOne() throws Exception {
        Board board = board();
        board.powerOn(1, ResetReason.POWER_ON);
        board.vcpus().getFirst().run(300_000);                 // in the middle of the guest's setup
        board.console().hostInput("typed ahead".getBytes());    // console input waiting in the snapshot
        snapshot = board.snapshot();
        file = dir.resolve("guest.snap");
        SnapshotFile.write(file, snapshot);
    }

    @Test
    void aWrittenFileReadsBackToTheSameSnapshot() throws Exception {
        MachineSnapshot back = SnapshotFile.read(file);
        assertEquals(snapshot.board(), back.board());
        assertEquals(snapshot.cpu(), back.cpu());
        assertEquals(snapshot.fingerprint(), back.fingerprint());
        assertEquals(snapshot.vcpus(), back.vcpus());
        assertEquals(snapshot.ramBytes(), back.ramBytes());
        Path again = dir.resolve("again.snap");
        SnapshotFile.write(again, back);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again), "what was read writes the same bytes");
        assertTrue(back.fingerprint().startsWith("epapr cpu=e500mc ram=1024KiB vcpus=1"), back.fingerprint());
        var console = ((BoardState.Epapr) back.devices()).console();
        assertEquals("typed ahead", new String(console.toGuest()) + new String(console.backlog()));
        assertEquals(0, Files.list(dir).filter(p -> p.toString().endsWith(".tmp")).count(), "no temporary file left");
    }

    @Test
    void aFlippedByteAnywhereIsAChecksumMismatch() throws Exception {
        byte[] b = Files.readAllBytes(file);
        for (int at : new int[] {40, b.length / 2, b.length - 5, b.length - 1}) {
            byte[] damaged = b.clone();
            damaged[at] ^= 0x10;
            Files.write(file, damaged);
            var e = assertThrows(SnapshotFileException.class, () -> SnapshotFile.read(file), "flipped byte " + at);
            assertEquals(Problem.CHECKSUM_MISMATCH, e.problem(), e.getMessage());
            assertEquals(file, e.file());
            assertTrue(e.getMessage().startsWith("snapshot file " + file + ": checksum mismatch: stored CRC32C"), e.getMessage());
        }
    }

    @Test
    void aCutFileIsTruncated() throws Exception {
        byte[] b = Files.readAllBytes(file);
        for (int length : new int[] {b.length - 1, b.length / 3, 12}) {
            Files.write(file, Arrays.copyOf(b, length));
            var e = assertThrows(SnapshotFileException.class, () -> SnapshotFile.read(file));
            assertEquals(Problem.TRUNCATED, e.problem(), e.getMessage());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, SnapshotFile.FORMAT_VERSION + 1})
    void anotherFormatVersionIsRefusedAsSuch(int version) throws Exception {
        // 1: files written before the MPIC timers followed the VM's time base; and a newer one
        byte[] b = Files.readAllBytes(file);
        ByteBuffer.wrap(b).putInt(8, version);
        Files.write(file, b);
        var e = assertThrows(SnapshotFileException.class, () -> SnapshotFile.read(file));
        assertEquals(Problem.OTHER_VERSION, e.problem());
        assertTrue(e.getMessage().contains("format version " + version + "; epapr-lab " + SnapshotFile.labVersion()
                        + " reads version " + SnapshotFile.FORMAT_VERSION + " only"),
                e.getMessage());
        assertFalse(SnapshotFile.labVersion().isBlank() || SnapshotFile.labVersion().contains("$"), SnapshotFile.labVersion());
    }

    @Test
    void anotherKindOfFileHasTheWrongMagic() throws Exception {
        Files.copy(IMAGE, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        var e = assertThrows(SnapshotFileException.class, () -> SnapshotFile.read(file));
        assertEquals(Problem.WRONG_MAGIC, e.problem());
        Files.write(file, new byte[0]);
        assertEquals(Problem.TRUNCATED, assertThrows(SnapshotFileException.class, () -> SnapshotFile.read(file)).problem());
    }

    /**
     * A file of 2 GiB (a disk image named by mistake, sparse here) is refused by its first bytes
     * or by the length its header names, never read whole: it was, and filled the heap (an
     * OutOfMemoryError out of the config loader). One whose header is right but which this heap
     * (-Xmx2g in the tests) cannot hold is refused as too large.
     */
    @Test
    void aHugeFileIsRefusedByItsHeaderNotReadWhole() throws Exception {
        Path huge = dir.resolve("disk.img");
        long size = Integer.MAX_VALUE - 64;
        try (var f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(size);
        }
        assertEquals(Problem.WRONG_MAGIC, assertThrows(SnapshotFileException.class, () -> SnapshotFile.read(huge)).problem());
        for (long declared : new long[] {size - 1, size + 1, size}) {
            try (var f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
                f.write("EPLABSNP".getBytes());
                f.writeInt(SnapshotFile.FORMAT_VERSION);
                f.writeLong(declared);
            }
            var e = assertThrows(SnapshotFileException.class, () -> SnapshotFile.read(huge), "declared " + declared);
            assertEquals(declared < size ? Problem.INCONSISTENT : declared > size ? Problem.TRUNCATED : Problem.TOO_LARGE,
                    e.problem(), e.getMessage());
            if (declared == size) assertTrue(e.getMessage().contains("run with a larger -Xmx"), e.getMessage());
        }
    }

    /** Intact bytes (checksum right) that are not a snapshot: a section renamed, or cut inside. */
    @Test
    void anIntactFileWithABadSectionIsInconsistent() throws Exception {
        byte[] b = Files.readAllBytes(file);
        int at = indexOf(b, "vm.event".getBytes());
        byte[] renamed = b.clone();
        renamed[at + 3] = 'X';                                  // "vm.Xvent"
        Files.write(file, withChecksum(renamed));
        var e = assertThrows(SnapshotFileException.class, () -> SnapshotFile.read(file));
        assertEquals(Problem.INCONSISTENT, e.problem());
        assertEquals("snapshot file " + file + ": inconsistent: no section vm.event", e.getMessage());

        byte[] wrongCpu = b.clone();
        int spin = indexOf(b, "epapr.spin-table".getBytes()) + "epapr.spin-table".length();
        ByteBuffer.wrap(wrongCpu).putInt(spin + 4 + 8, 5);     // released secondaries: 5 flags for a 1-vCPU machine
        Files.write(file, withChecksum(wrongCpu));
        e = assertThrows(SnapshotFileException.class, () -> SnapshotFile.read(file));
        assertEquals(Problem.INCONSISTENT, e.problem());
        assertTrue(e.getMessage().contains("section epapr.spin-table"), e.getMessage());
    }

    private static byte[] withChecksum(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
        return b;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void writingReplacesAnOlderFileWhole() throws Exception {
        var bytes = new ByteArrayOutputStream();
        new DataOutputStream(bytes).writeUTF("an older file");
        Files.write(file, bytes.toByteArray());
        SnapshotFile.write(file, snapshot);
        assertEquals(snapshot.fingerprint(), SnapshotFile.read(file).fingerprint());
    }
}
