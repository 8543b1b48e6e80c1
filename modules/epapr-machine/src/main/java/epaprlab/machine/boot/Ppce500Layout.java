package epaprlab.machine.boot;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.mem.GuestMemory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where QEMU 7.2's {@code ppce500} machine puts its images, computed the same way
 * ({@code ppce500_init}), and the boot state that follows from it.
 *
 * <ul>
 *   <li>The payload (what CPU 0 enters) is {@code bios} if given, else {@code kernel}; it is an
 *       ELF loaded by p_paddr (its size is the sum of its segments' p_memsz, QEMU's load size) or
 *       a uImage ({@link UImage}) loaded at its load address.</li>
 *   <li>Blobs go at or above 32 MiB ({@code cur = max(payload start + size, 32 MiB)}): with both
 *       {@code bios} and {@code kernel}, the kernel file is copied raw at {@code cur}
 *       ({@code qemu,boot-kernel} names it for U-Boot's {@code bootm}); an initrd goes at
 *       {@code align_down(cur + 32 MiB, 16 MiB)}.</li>
 *   <li>The device tree goes at {@code align_down(payload start + size + 24 MiB, 1 MiB)}, is
 *       {@link #DTB_SIZE} long, and must leave {@link #DTB_SLOT} below the end of RAM.</li>
 *   <li>CPU 0's initial TLB1 entry maps EA 0 = PA 0 with the smallest even TSIZE whose page
 *       exceeds the device tree's end; r7 is that size.</li>
 * </ul>
 * Every piece must fit in RAM and no two may overlap (QEMU refuses overlapping ROM regions too).
 */
public final class Ppce500Layout {
    /** The blob QEMU writes is 1 MiB long (libfdt tree with free space). */
    public static final int DTB_SIZE = 1 << 20;
    /** QEMU requires this much room for the tree below the end of RAM. */
    public static final long DTB_SLOT = 8L << 20;
    static final long BLOB_FLOOR = 32L << 20;
    static final long INITRD_PAD = 32L << 20, INITRD_ALIGN = 16L << 20;
    static final long DTB_PAD = 24L << 20, DTB_ALIGN = 1L << 20;

    /** One input file: its name (for errors) and its bytes (already decompressed). */
    public record ImageFile(Path origin, byte[] bytes) {}

    /** A physical range. */
    public record Span(long start, long size) {
        public long end() { return start + size; }
    }

    /** A file copied byte for byte to {@code address}. */
    public record RawPiece(Path origin, long address, byte[] bytes) {
        public long end() { return address + bytes.length; }
    }

    /** What CPU 0 enters: an ELF, else a uImage's data (a RawPiece at its load address). */
    private final Optional<ElfImage> elf;
    private final Optional<RawPiece> uimage;
    private final Path payloadOrigin;
    private final long entry;
    private final long payloadStart, payloadSize;
    private final Optional<RawPiece> rawKernel, initrd;
    private final long dtbAddress;
    private final int initialMapTsize;
    private final boolean payloadIsKernel;

    private Ppce500Layout(Optional<ElfImage> elf, Optional<RawPiece> uimage, Path payloadOrigin, long entry,
                          long payloadStart, long payloadSize, Optional<RawPiece> rawKernel,
                          Optional<RawPiece> initrd, long dtbAddress, int initialMapTsize, boolean payloadIsKernel) {
        this.payloadIsKernel = payloadIsKernel;
        this.elf = elf;
        this.uimage = uimage;
        this.payloadOrigin = payloadOrigin;
        this.entry = entry;
        this.payloadStart = payloadStart;
        this.payloadSize = payloadSize;
        this.rawKernel = rawKernel;
        this.initrd = initrd;
        this.dtbAddress = dtbAddress;
        this.initialMapTsize = initialMapTsize;
    }

    /**
     * Places the images for a VM with {@code ramBytes} of RAM.
     *
     * @throws IllegalArgumentException when neither bios nor kernel is given
     * @throws BootException            for a foreign, truncated or too-wide ELF, or when something
     *                                  does not fit or overlaps
     */
    public static Ppce500Layout place(CpuModel cpu, long ramBytes, Optional<ImageFile> bios, Optional<ImageFile> kernel,
                                      Optional<ImageFile> initrd) throws BootException {
        ImageFile payloadFile = bios.or(() -> kernel)
                .orElseThrow(() -> new IllegalArgumentException("a ppce500 VM needs a bios or a kernel"));
        Optional<ElfImage> elf = Optional.empty();
        Optional<RawPiece> uimage = Optional.empty();
        long start, size, entry;
        if (UImage.isUImage(payloadFile.bytes())) {             // QEMU tries ELF first, then uImage
            UImage u = UImage.parse(payloadFile.origin(), payloadFile.bytes(), ramBytes);
            RawPiece p = new RawPiece(payloadFile.origin(), u.load(), u.data());
            checkFits(p, "uImage data", ramBytes);
            uimage = Optional.of(p);
            start = p.address();
            size = p.bytes().length;
            entry = u.entry();
        } else {
            ElfImage e = ElfImage.parse(payloadFile.origin(), payloadFile.bytes());
            if (e.is64() && !cpu.has64Bit()) throw new BootException.WrongWidth(payloadFile.origin(), cpu.configName());
            e.checkFits(ramBytes);
            elf = Optional.of(e);
            start = e.lowestPhysical();
            size = payloadEnd(e) - start;
            entry = e.entryPhysical();
        }

        long cur = rawKernelAddress(start + size);
        Optional<RawPiece> raw = Optional.empty();
        if (bios.isPresent() && kernel.isPresent()) {
            RawPiece k = new RawPiece(kernel.get().origin(), cur, kernel.get().bytes());
            checkFits(k, "kernel (copied raw for the firmware)", ramBytes);
            raw = Optional.of(k);
            cur = k.end();
        }
        Optional<RawPiece> rd = Optional.empty();
        if (initrd.isPresent()) {
            RawPiece r = new RawPiece(initrd.get().origin(), initrdAddress(cur), initrd.get().bytes());
            checkFits(r, "initrd", ramBytes);
            rd = Optional.of(r);
        }
        long dtb = dtbAddress(start + size);
        if (dtb + DTB_SLOT > ramBytes) {
            throw new BootException.DoesNotFit(payloadFile.origin(), "the device tree slot after this image", dtb, DTB_SLOT, ramBytes);
        }
        Ppce500Layout layout = new Ppce500Layout(elf, uimage, payloadFile.origin(), entry, start, size, raw, rd, dtb,
                tsizeCovering(dtb + DTB_SIZE), bios.isEmpty());
        layout.checkNoOverlap();
        return layout;
    }

    /** Where an ELF payload ends for placement: its lowest p_paddr plus the sum of its segments' p_memsz (QEMU's load size). */
    public static long payloadEnd(ElfImage e) {
        long size = 0;
        for (LoadSegment s : e.segments()) size += s.memsz();
        return e.lowestPhysical() + size;
    }

    /** Where the blobs start (a raw kernel, when the payload is a bios) after a payload ending at {@code payloadEnd}. */
    public static long rawKernelAddress(long payloadEnd) { return Math.max(payloadEnd, BLOB_FLOOR); }

    /** Where the initrd goes when the blobs before it end at {@code blobsEnd} (the raw kernel's end, else {@link #rawKernelAddress}). */
    public static long initrdAddress(long blobsEnd) { return (blobsEnd + INITRD_PAD) & -INITRD_ALIGN; }

    /** Where the device tree goes after a payload ending at {@code payloadEnd}; {@link #DTB_SLOT} must fit from there. */
    public static long dtbAddress(long payloadEnd) { return (payloadEnd + DTB_PAD) & -DTB_ALIGN; }

    /** The smallest even TSIZE (page = 2^TSIZE KiB) whose page is larger than {@code end} (QEMU's rule). */
    static int tsizeCovering(long end) {
        int t = 63 - Long.numberOfLeadingZeros(end >>> 10);
        t += 1;
        return (t & 1) != 0 ? t + 1 : t;
    }

    private static void checkFits(RawPiece p, String what, long ramBytes) throws BootException {
        if (p.address() > ramBytes || p.bytes().length > ramBytes - p.address()) {
            throw new BootException.DoesNotFit(p.origin(), what, p.address(), p.bytes().length, ramBytes);
        }
    }

    private record Region(Path origin, String what, long start, long size) {
        long end() { return start + size; }
    }

    private void checkNoOverlap() throws BootException {
        List<Region> regions = new ArrayList<>();
        for (LoadSegment s : elf.map(ElfImage::segments).orElse(List.of())) {
            regions.add(new Region(payloadOrigin, "segment " + s.index(), s.paddr(), s.memsz()));
        }
        uimage.ifPresent(u -> regions.add(new Region(u.origin(), "uImage data", u.address(), u.bytes().length)));
        rawKernel.ifPresent(k -> regions.add(new Region(k.origin(), "kernel", k.address(), k.bytes().length)));
        initrd.ifPresent(r -> regions.add(new Region(r.origin(), "initrd", r.address(), r.bytes().length)));
        regions.add(new Region(payloadOrigin, "the device tree", dtbAddress, DTB_SIZE));
        regions.sort(Comparator.comparingLong(Region::start));
        for (int i = 1; i < regions.size(); i++) {
            Region a = regions.get(i - 1), b = regions.get(i);
            if (b.size() > 0 && a.size() > 0 && b.start() < a.end()) {
                throw new BootException.ImagesOverlap(b.origin(), b.what(), b.start(), b.size(),
                        a.what() + " of " + a.origin(), a.start(), a.size());
            }
        }
    }

    /** Copies every image into RAM (payload segments zero-filled to p_memsz). Other RAM is untouched. */
    public void loadInto(GuestMemory ram) throws BootException {
        if (elf.isPresent()) elf.get().loadInto(ram);
        uimage.ifPresent(u -> ram.write(u.address(), u.bytes(), 0, u.bytes().length));
        rawKernel.ifPresent(k -> ram.write(k.address(), k.bytes(), 0, k.bytes().length));
        initrd.ifPresent(r -> ram.write(r.address(), r.bytes(), 0, r.bytes().length));
    }

    /** CPU 0's PC: the ELF's physical entry, or the uImage's entry point. */
    public long entry() { return entry; }

    public long dtbAddress() { return dtbAddress; }

    /** TSIZE of CPU 0's TLB1[0] (page = 2^TSIZE KiB). */
    public int initialMapTsize() { return initialMapTsize; }

    /** r7: the size of the initial mapping. */
    public long initialMapBytes() { return 1024L << initialMapTsize; }

    /** {@code qemu,boot-kernel}: the raw kernel for the firmware, or the payload when it is the kernel. */
    public Optional<Span> bootKernel() {
        if (rawKernel.isPresent()) return Optional.of(new Span(rawKernel.get().address(), rawKernel.get().bytes().length));
        return payloadIsKernel ? Optional.of(new Span(payloadStart, payloadSize)) : Optional.empty();
    }

    /** {@code linux,initrd-start/-end}. */
    public Optional<Span> initrdSpan() {
        return initrd.map(r -> new Span(r.address(), r.bytes().length));
    }

    public Optional<RawPiece> initrd() { return initrd; }

    public Optional<RawPiece> rawKernel() { return rawKernel; }

    public long payloadStart() { return payloadStart; }

    public long payloadSize() { return payloadSize; }
}
