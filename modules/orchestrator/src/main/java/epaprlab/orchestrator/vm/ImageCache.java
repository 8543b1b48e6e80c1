package epaprlab.orchestrator.vm;

import epaprlab.machine.board.Board;
import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.ElfImage;
import epaprlab.orchestrator.config.VmConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds boards for a lab, reading and parsing each image file once: a parsed {@link ElfImage}
 * is immutable, so thousands of VMs of the same image share it. Thread-safe.
 */
public final class ImageCache implements VmSupervisor.BoardFactory {
    private final ConcurrentHashMap<Path, ElfImage> images = new ConcurrentHashMap<>();

    @Override
    public Board build(VmConfig config) throws BootException, IOException {
        ElfImage image = image(config.image(), config.board().ramBytes());
        try {
            return Board.assemble(config.board(), image);
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
}
