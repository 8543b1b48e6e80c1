package epaprlab.orchestrator.vm;

import epaprlab.machine.board.Board;
import epaprlab.machine.board.BoardSpec;
import epaprlab.machine.board.Machine;
import epaprlab.machine.board.Ppce500Board;
import epaprlab.machine.board.Ppce500Images;
import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.ElfImage;
import epaprlab.orchestrator.config.VmConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds boards for a lab, reading and parsing each image file once: a parsed {@link ElfImage}
 * and a set of {@link Ppce500Images} are immutable, so thousands of VMs of the same images share
 * them. Thread-safe.
 */
public final class ImageCache implements VmSupervisor.BoardFactory {
    /** Spare boards kept per hardware: enough for the VMs a lab restarts at once, bounded in heap. */
    private static final int SPARE_BOARDS = 256;
    private final ConcurrentHashMap<Path, ElfImage> images = new ConcurrentHashMap<>();
    /**
     * Boards of ended VMs, by their hardware (the spec without name and guest id, and the images):
     * a VM that starts from a snapshot takes one instead of building a board (its RAM, vCPUs and
     * devices all come from the snapshot); building costs about 30 µs, a restore into a spare 1 µs.
     */
    private final ConcurrentHashMap<Hardware, java.util.concurrent.ConcurrentLinkedDeque<Machine>> spare = new ConcurrentHashMap<>();

    /** What makes two boards interchangeable for a restore (looked up twice per VM: built without copying the VmConfig). */
    private record Hardware(Path image, Optional<VmConfig.Ppce500Files> ppce500, BoardSpec spec) {
        static Hardware of(VmConfig c) {
            BoardSpec b = c.board();
            return new Hardware(c.image(), c.ppce500(), new BoardSpec("-", 0, b.cpu(), b.ramBytes(), b.vcpus(), b.hypercalls(),
                    b.idle(), b.bootargs(), b.clockHz(), b.timebaseHz(), b.consoleBuffer(), b.timeSource(), b.compileThreshold()));
        }
    }

    @Override
    public Machine buildForRestore(VmConfig config) throws BootException, IOException {
        var boards = spare.get(Hardware.of(config));
        Machine spareBoard = boards == null ? null : boards.pollFirst();
        return spareBoard != null ? spareBoard : build(config);
    }

    @Override
    public void recycle(VmConfig config, Machine board) {
        var boards = spare.computeIfAbsent(Hardware.of(config), h -> new java.util.concurrent.ConcurrentLinkedDeque<>());
        if (boards.size() < SPARE_BOARDS) boards.addFirst(board);
    }
    private final ConcurrentHashMap<VmConfig.Ppce500Files, Ppce500Images> ppce500 = new ConcurrentHashMap<>();

    @Override
    public Machine build(VmConfig config) throws BootException, IOException {
        try {
            if (config.ppce500().isPresent()) return Ppce500Board.assemble(config.board(), ppce500Images(config.ppce500().get()));
            return Board.assemble(config.board(), image(config.image(), config.board().ramBytes()));
        } catch (OutOfMemoryError e) {
            // Guest RAM lives on the heap: this VM cannot have its RAM now, the others go on.
            throw new IOException("not enough heap for this VM's %d KiB of RAM (max heap %d MiB): lower lab.concurrency or raise -Xmx"
                    .formatted(config.board().ramBytes() >> 10, Runtime.getRuntime().maxMemory() >> 20));
        }
    }

    private ElfImage image(Path path, long ramBytes) throws BootException, IOException {
        Path key = path.toAbsolutePath().normalize();
        ElfImage cached = images.get(key);
        if (cached != null) return cached;
        ElfImage parsed = ElfImage.read(path, ramBytes);   // a race parses twice: harmless
        ElfImage before = images.putIfAbsent(key, parsed);
        return before != null ? before : parsed;
    }

    private Ppce500Images ppce500Images(VmConfig.Ppce500Files files) throws BootException, IOException {
        VmConfig.Ppce500Files key = new VmConfig.Ppce500Files(normal(files.bios()), normal(files.kernel()), normal(files.initrd()));
        Ppce500Images cached = ppce500.get(key);
        if (cached != null) return cached;
        Ppce500Images read = Ppce500Images.read(files.bios(), files.kernel(), files.initrd());   // a race reads twice: harmless
        Ppce500Images before = ppce500.putIfAbsent(key, read);
        return before != null ? before : read;
    }

    private static Optional<Path> normal(Optional<Path> p) {
        return p.map(x -> x.toAbsolutePath().normalize());
    }
}
