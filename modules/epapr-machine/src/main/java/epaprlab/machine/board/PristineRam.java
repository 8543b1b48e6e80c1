package epaprlab.machine.board;

import epaprlab.machine.boot.BootException;
import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mem.MemoryImage;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The RAM of a boot before anything of one VM is written (the boot images placed by the board's
 * layout, zero elsewhere), built once as an immutable {@link MemoryImage} and shared by every
 * board of the JVM with the same images and layout: a power-on resets RAM to it
 * ({@code GuestMemory.resetTo}) and writes only the VM's own bytes (device tree, spin table), so
 * the image pages stay shared until a guest writes them.
 *
 * <p>Keyed by the parsed images object (the orchestrator's {@code ImageCache} hands every VM of
 * an image file the same one) and by what decides the placement (RAM size, CPU). Weakly held both
 * ways: an entry goes when its images object is unreachable, and the image when no board holds it.
 * Thread-safe.
 */
final class PristineRam {
    private PristineRam() {}

    /** Writes a boot's images into fresh RAM. */
    @FunctionalInterface
    interface Loader {
        void load(GuestMemory ram) throws BootException;
    }

    private static final Map<Object, Map<Object, WeakReference<MemoryImage>>> CACHE = new WeakHashMap<>();

    /**
     * The pristine RAM of {@code images} placed as {@code layoutKey} says, {@code ramBytes} large;
     * built with {@code loader} on first use.
     */
    static MemoryImage of(Object images, Object layoutKey, long ramBytes, Loader loader) throws BootException {
        synchronized (CACHE) {
            var byLayout = CACHE.computeIfAbsent(images, k -> new HashMap<>());
            WeakReference<MemoryImage> ref = byLayout.get(layoutKey);
            MemoryImage cached = ref == null ? null : ref.get();
            if (cached != null) return cached;
            GuestMemory ram = new GuestMemory(ramBytes);
            loader.load(ram);
            MemoryImage built = ram.snapshot();
            byLayout.put(layoutKey, new WeakReference<>(built));
            return built;
        }
    }
}
