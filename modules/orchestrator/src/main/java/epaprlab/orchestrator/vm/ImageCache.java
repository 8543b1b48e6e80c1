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
    private final ConcurrentHashMap<Hardware, Spares> spare = new ConcurrentHashMap<>();

    /** One hardware's spare boards, newest first, with their count (a deque's size() walks it). */
    private static final class Spares {
        final java.util.concurrent.ConcurrentLinkedDeque<Machine> boards = new java.util.concurrent.ConcurrentLinkedDeque<>();
        final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
    }

    /**
     * What makes two boards interchangeable for a restore; looked up twice per VM start, so built
     * without copying the VmConfig and compared field by field with its hash computed once.
     */
    private static final class Hardware {
        private final Path image;
        private final Optional<VmConfig.Ppce500Files> ppce500;
        private final BoardSpec b;
        private final int hash;

        private Hardware(VmConfig c) {
            this.image = c.image();
            this.ppce500 = c.ppce500();
            this.b = c.board();
            int h = image.hashCode() * 31 + ppce500.hashCode();
            h = h * 31 + b.cpu().hashCode();
            h = h * 31 + Long.hashCode(b.ramBytes());
            h = h * 31 + b.vcpus();
            h = h * 31 + b.bootargs().hashCode();
            h = h * 31 + Long.hashCode(b.clockHz() ^ b.timebaseHz());
            this.hash = h * 31 + b.timeSource().hashCode();    // the other fields only in equals
        }

        @Override
        public int hashCode() { return hash; }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Hardware h) || h.hash != hash) return false;
            BoardSpec x = h.b;              // every field but the name and the guest id
            return b.cpu() == x.cpu() && b.ramBytes() == x.ramBytes() && b.vcpus() == x.vcpus() && b.idle() == x.idle()
                    && b.clockHz() == x.clockHz() && b.timebaseHz() == x.timebaseHz() && b.consoleBuffer() == x.consoleBuffer()
                    && b.timeSource() == x.timeSource() && b.compileThreshold() == x.compileThreshold()
                    && b.hypercalls().equals(x.hypercalls()) && b.bootargs().equals(x.bootargs())
                    && image.equals(h.image) && ppce500.equals(h.ppce500);
        }
    }

    @Override
    public Machine buildForRestore(VmConfig config) throws BootException, IOException {
        Spares boards = spare.get(new Hardware(config));
        Machine spareBoard = boards == null ? null : boards.boards.pollFirst();
        if (spareBoard == null) return build(config);
        boards.count.decrementAndGet();
        return spareBoard;
    }

    @Override
    public void recycle(VmConfig config, Machine board) {
        Spares boards = spare.computeIfAbsent(new Hardware(config), h -> new Spares());
        if (boards.count.incrementAndGet() <= SPARE_BOARDS) {
            boards.boards.addFirst(board);
        } else {
            boards.count.decrementAndGet();
        }
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
