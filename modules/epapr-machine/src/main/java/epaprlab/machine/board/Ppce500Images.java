package epaprlab.machine.board;

import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.GzipImage;
import epaprlab.machine.boot.Ppce500Layout.ImageFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The files a ppce500 VM boots from, as QEMU's options name them: {@code bios} (firmware ELF,
 * U-Boot), {@code kernel} (ELF, or a raw image handed to the firmware), {@code initrd}. The bios
 * and kernel are decompressed when gzip-compressed; the initrd is kept byte for byte (Linux
 * unpacks it itself). Immutable, so many VMs share one.
 */
public record Ppce500Images(Optional<ImageFile> bios, Optional<ImageFile> kernel, Optional<ImageFile> initrd) {
    /**
     * Files (and decompressed images) larger than this cannot be loaded into any RAM the config
     * refuses (1 GiB at most, whatever the RAM): a gzip bomb is refused at this size, not at the 2 GiB a Java array holds.
     */
    public static final long MAX_IMAGE_BYTES = 1L << 30;

    public Ppce500Images {
        if (bios.isEmpty() && kernel.isEmpty()) throw new IllegalArgumentException("a ppce500 VM needs a bios or a kernel");
    }

    /** Reads the files (bios and kernel decompressed if gzip). */
    public static Ppce500Images read(Optional<Path> bios, Optional<Path> kernel, Optional<Path> initrd)
            throws IOException, BootException {
        return new Ppce500Images(readImage(bios, true), readImage(kernel, true), readImage(initrd, false));
    }

    private static Optional<ImageFile> readImage(Optional<Path> path, boolean inflate) throws IOException, BootException {
        if (path.isEmpty()) return Optional.empty();
        Path p = path.get();
        if (Files.size(p) > MAX_IMAGE_BYTES) throw new IOException(p + ": larger than " + MAX_IMAGE_BYTES + " bytes");
        byte[] bytes = Files.readAllBytes(p);
        return Optional.of(new ImageFile(p, inflate ? GzipImage.inflateIfGzip(p, bytes, MAX_IMAGE_BYTES) : bytes));
    }
}
