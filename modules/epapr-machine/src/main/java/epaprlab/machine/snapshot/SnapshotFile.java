package epaprlab.machine.snapshot;

import epaprlab.machine.api.VcpuExit;
import epaprlab.machine.api.VcpuState;
import epaprlab.machine.api.VmState;
import epaprlab.machine.device.ByteChannel;
import epaprlab.machine.device.Ds1338;
import epaprlab.machine.device.E500PciHost;
import epaprlab.machine.device.MpcI2c;
import epaprlab.machine.device.OpenPic;
import epaprlab.machine.device.QoriqGpio;
import epaprlab.machine.device.SpinTable;
import epaprlab.machine.device.Uart16550;
import epaprlab.machine.snapshot.SnapshotFileException.Problem;
import epaprlab.machine.state.StateIo;
import epaprlab.ppc.mem.MemoryImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Snapshot files: a {@link MachineSnapshot} on disk, to start VMs from it in another run.
 *
 * <pre>
 * magic "EPLABSNP" (8 bytes) | format version (u32) | file length (u64)
 * epapr-lab version | board | CPU model | spec fingerprint      (modified UTF-8, u16 length each)
 * section count (u32) | sections: name (UTF), length (u32), bytes
 * CRC32C (u32) of every byte before it
 * </pre>
 *
 * Sections: {@code memory} (the {@link MemoryImage}), {@code vcpu.N} for each vCPU, {@code vm.event},
 * and one per device of the board ({@code epapr.*}, {@code ppce500.*}). Every number is big-endian.
 * {@link #read} checks magic, version, length and checksum before it parses anything, then builds
 * the whole snapshot from the checked bytes: a bad file is refused with a
 * {@link SnapshotFileException} and nothing of it is used. {@link #write} writes a temporary file
 * next to the target and moves it into place, so a crash never leaves a half-written file under
 * the target's name.
 */
public final class SnapshotFile {
    /** 2: the ppce500 MPIC's running global timers are kept as an absolute tick of the VM's time base (1 kept host nanoseconds). */
    public static final int FORMAT_VERSION = 2;
    private static final byte[] MAGIC = "EPLABSNP".getBytes(StandardCharsets.US_ASCII);
    /** Magic, version and length. */
    private static final int FIXED_HEADER = MAGIC.length + 4 + 8;
    private static final int CHECKSUM = 4;
    /** Files are read whole into one array. */
    private static final long MAX_FILE = Integer.MAX_VALUE - 64;
    private static final int MAX_SECTIONS = 1024;

    private SnapshotFile() {}

    /** The epapr-lab version that writes snapshot files (Maven's project version). */
    public static String labVersion() { return LabVersion.VALUE; }

    public static void write(Path file, MachineSnapshot s) throws IOException {
        Map<String, byte[]> sections = sections(s);
        var header = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(header)) {
            out.writeUTF(labVersion());
            out.writeUTF(s.board());
            out.writeUTF(s.cpu());
            out.writeUTF(s.fingerprint());
            out.writeInt(sections.size());
        }
        long length = FIXED_HEADER + header.size() + CHECKSUM;
        for (var e : sections.entrySet()) length += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + e.getValue().length;
        if (length > MAX_FILE) throw new IOException("snapshot of %d bytes is larger than a snapshot file can be".formatted(length));

        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            CRC32C crc = new CRC32C();
            try (OutputStream raw = Files.newOutputStream(tmp);
                 var out = new DataOutputStream(new java.io.BufferedOutputStream(new Checksummed(raw, crc), 1 << 16))) {
                out.write(MAGIC);
                out.writeInt(FORMAT_VERSION);
                out.writeLong(length);
                header.writeTo(out);
                for (var e : sections.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeInt(e.getValue().length);
                    out.write(e.getValue());
                }
                out.flush();
                raw.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {     // a file system without it: still whole, not atomic
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static MachineSnapshot read(Path file) throws IOException, SnapshotFileException {
        byte[] b;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            // the header first: a file that is no snapshot, or not the size it names, is refused before
            // it is read whole (a 2 GB disk image named by mistake filled the heap)
            long size = channel.size();
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, FIXED_HEADER));
            while (head.hasRemaining() && channel.read(head, head.position()) >= 0) { }
            checkHeader(file, head.array(), head.position(), size);
            if (size > MAX_FILE) throw new SnapshotFileException(file, Problem.TOO_LARGE, size + " bytes");
            try {
                b = new byte[(int) size];
            } catch (OutOfMemoryError heap) {       // one array, not made: nothing else was disturbed
                throw new SnapshotFileException(file, Problem.TOO_LARGE, "%d bytes; this JVM's heap (at most %d MiB) cannot hold "
                        .formatted(size, Runtime.getRuntime().maxMemory() >> 20) + "it: run with a larger -Xmx");
            }
            ByteBuffer into = ByteBuffer.wrap(b);
            while (into.hasRemaining()) {
                if (channel.read(into, into.position()) < 0) {
                    throw new SnapshotFileException(file, Problem.TRUNCATED, "it shrank to %d bytes while read".formatted(into.position()));
                }
            }
            if (channel.size() != size) {
                throw new SnapshotFileException(file, Problem.INCONSISTENT, "it changed size while read (%d, then %d bytes)"
                        .formatted(size, channel.size()));
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - CHECKSUM);
        int stored = ByteBuffer.wrap(b).getInt(b.length - CHECKSUM);
        if (stored != (int) crc.getValue()) {
            throw new SnapshotFileException(file, Problem.CHECKSUM_MISMATCH,
                    "stored CRC32C 0x%08x, computed 0x%08x: the file was changed or damaged".formatted(stored, (int) crc.getValue()));
        }
        return parse(file, b);
    }

    /** Magic, version and the length the header names against the file's {@code size}; {@code n} bytes of the header were read. */
    private static void checkHeader(Path file, byte[] head, int n, long size) throws SnapshotFileException {
        int magicSeen = Math.min(n, MAGIC.length);
        if (!java.util.Arrays.equals(head, 0, magicSeen, MAGIC, 0, magicSeen)) {
            throw new SnapshotFileException(file, Problem.WRONG_MAGIC, "it does not start with \"EPLABSNP\": not a snapshot file");
        }
        if (n < FIXED_HEADER) {
            throw new SnapshotFileException(file, Problem.TRUNCATED, "%d bytes, not even a header".formatted(n));
        }
        ByteBuffer h = ByteBuffer.wrap(head);
        int version = h.getInt(MAGIC.length);
        if (version != FORMAT_VERSION) {
            throw new SnapshotFileException(file, Problem.OTHER_VERSION,
                    "format version %d; epapr-lab %s reads version %d only".formatted(version, labVersion(), FORMAT_VERSION));
        }
        long declared = h.getLong(MAGIC.length + 4);
        if (size < declared) {
            throw new SnapshotFileException(file, Problem.TRUNCATED, "%d bytes of the %d its header names".formatted(size, declared));
        }
        if (size > declared || declared < FIXED_HEADER + CHECKSUM) {
            throw new SnapshotFileException(file, Problem.INCONSISTENT, "%d bytes, its header names %d".formatted(size, declared));
        }
    }

    // Writing.

    private interface Writer { void write(DataOutput out) throws IOException; }

    private static Map<String, byte[]> sections(MachineSnapshot s) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("memory", bytes(s.memory()::write));
        for (int i = 0; i < s.vcpus(); i++) out.put("vcpu." + i, bytes(s.vcpuStates().get(i)::write));
        Optional<VmState.PendingEvent> event = s.vm().systemEvent();
        out.put("vm.event", bytes(o -> {
            o.writeBoolean(event.isPresent());
            if (event.isPresent()) {
                o.writeUTF(event.get().type().name());
                o.writeUTF(event.get().source());
            }
        }));
        switch (s.devices()) {
            case BoardState.Epapr e -> {
                out.put("epapr.console", bytes(e.console()::write));
                out.put("epapr.spin-table", bytes(o -> {
                    o.writeLong(e.spinTableBase());
                    StateIo.writeBooleans(o, e.released());
                }));
            }
            case BoardState.Ppce500 p -> {
                out.put("ppce500.uart0", bytes(p.uart()::write));
                out.put("ppce500.mpic", bytes(p.mpic()::write));
                out.put("ppce500.pci-host", bytes(p.pciHost()::write));
                out.put("ppce500.i2c", bytes(p.i2c()::write));
                out.put("ppce500.rtc", bytes(p.rtc()::write));
                out.put("ppce500.gpio", bytes(p.gpio()::write));
                out.put("ppce500.spin-table", bytes(p.spinTable()::write));
                out.put("ppce500.hcall-console", bytes(p.hcallConsole()::write));
            }
        }
        return out;
    }

    private static byte[] bytes(Writer w) throws IOException {
        var b = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(b)) { w.write(out); }
        return b.toByteArray();
    }

    // Reading, from bytes whose checksum matched.

    private interface Reader<T> { T read(DataInputStream in) throws IOException; }

    private static MachineSnapshot parse(Path file, byte[] b) throws SnapshotFileException {
        var in = new DataInputStream(new ByteArrayInputStream(b, FIXED_HEADER, b.length - FIXED_HEADER - CHECKSUM));
        String board, cpu, fingerprint;
        Map<String, byte[]> sections = new LinkedHashMap<>();
        try {
            in.readUTF();                                   // the writer's version: informative only
            board = in.readUTF();
            cpu = in.readUTF();
            fingerprint = in.readUTF();
            int count = in.readInt();
            if (count < 0 || count > MAX_SECTIONS) throw new SnapshotFileException(file, Problem.INCONSISTENT, count + " sections");
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int n = in.readInt();
                if (n < 0 || n > in.available()) {
                    throw new SnapshotFileException(file, Problem.INCONSISTENT, "section %s: %d bytes, %d left in the file".formatted(name, n, in.available()));
                }
                byte[] body = in.readNBytes(n);
                if (sections.put(name, body) != null) throw new SnapshotFileException(file, Problem.INCONSISTENT, "section " + name + " twice");
            }
            if (in.available() != 0) throw new SnapshotFileException(file, Problem.INCONSISTENT, in.available() + " bytes after the last section");
        } catch (SnapshotFileException e) {
            throw e;
        } catch (IOException e) {
            throw new SnapshotFileException(file, Problem.INCONSISTENT, "header: " + e.getMessage(), e);
        }
        Sections s = new Sections(file, sections);
        MemoryImage memory = s.take("memory", MemoryImage::read);
        List<VcpuState> vcpus = new ArrayList<>();
        for (int i = 0; sections.containsKey("vcpu." + i); i++) vcpus.add(s.take("vcpu." + i, VcpuState::read));
        if (vcpus.isEmpty()) throw new SnapshotFileException(file, Problem.INCONSISTENT, "no section vcpu.0");
        Optional<VmState.PendingEvent> event = s.take("vm.event", o -> o.readBoolean()
                ? Optional.of(new VmState.PendingEvent(VcpuExit.SystemEvent.Type.valueOf(o.readUTF()), o.readUTF()))
                : Optional.empty());
        BoardState devices = switch (board) {
            case "epapr" -> {
                ByteChannel.State console = s.take("epapr.console", ByteChannel.State::read);
                long[] base = new long[1];
                boolean[] released = s.take("epapr.spin-table", o -> {
                    base[0] = o.readLong();
                    return StateIo.readBooleans(o, vcpus.size(), "released secondaries");
                });
                yield new BoardState.Epapr(console, base[0], released);
            }
            case "ppce500" -> new BoardState.Ppce500(s.take("ppce500.uart0", Uart16550.State::read),
                    s.take("ppce500.mpic", OpenPic.State::read), s.take("ppce500.pci-host", E500PciHost.State::read),
                    s.take("ppce500.i2c", MpcI2c.State::read), s.take("ppce500.rtc", Ds1338.State::read),
                    s.take("ppce500.gpio", QoriqGpio.State::read), s.take("ppce500.spin-table", SpinTable.State::read),
                    s.take("ppce500.hcall-console", ByteChannel.State::read));
            default -> throw new SnapshotFileException(file, Problem.INCONSISTENT, "unknown board \"" + board + "\"");
        };
        if (!sections.isEmpty()) throw new SnapshotFileException(file, Problem.INCONSISTENT, "unknown sections " + sections.keySet());
        try {
            return new MachineSnapshot(cpu, fingerprint, new VmState(memory, vcpus, event), devices);
        } catch (RuntimeException e) {
            throw new SnapshotFileException(file, Problem.INCONSISTENT, e.getMessage(), e);
        }
    }

    /** The sections of a file, each taken once and read to its last byte. */
    private record Sections(Path file, Map<String, byte[]> byName) {
        <T> T take(String name, Reader<T> reader) throws SnapshotFileException {
            byte[] body = byName.remove(name);
            if (body == null) throw new SnapshotFileException(file, Problem.INCONSISTENT, "no section " + name);
            var in = new DataInputStream(new ByteArrayInputStream(body));
            try {
                T t = reader.read(in);
                if (in.available() != 0) {
                    throw new SnapshotFileException(file, Problem.INCONSISTENT, "section %s: %d bytes left over".formatted(name, in.available()));
                }
                return t;
            } catch (SnapshotFileException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new SnapshotFileException(file, Problem.INCONSISTENT, "section %s: %s".formatted(name, e), e);
            }
        }
    }

    /** Feeds every byte written to a checksum. */
    private static final class Checksummed extends java.io.FilterOutputStream {
        private final CRC32C crc;

        Checksummed(OutputStream out, CRC32C crc) {
            super(out);
            this.crc = crc;
        }

        @Override public void write(int b) throws IOException { crc.update(b); out.write(b); }

        @Override public void write(byte[] b, int off, int len) throws IOException { crc.update(b, off, len); out.write(b, off, len); }
    }

    /** Read once from the filtered resource Maven fills in. */
    private static final class LabVersion {
        static final String VALUE = load();

        private static String load() {
            try (InputStream in = SnapshotFile.class.getResourceAsStream("lab-version.txt")) {
                return in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                return "unknown";
            }
        }
    }
}
