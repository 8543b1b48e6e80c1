package epaprlab.ppc.exec;

import java.lang.classfile.CodeBuilder;

/**
 * What a region's emitter ({@link RegionCompiler}) lends the FP and CR emitters
 * ({@link RegionFpEmitter}, {@link RegionCrEmitter}): its code builder, cached GPRs and CR
 * fields, handler fields and exits.
 */
interface RegionHost {
    CodeBuilder code();

    /** Pushes instruction k's handler (an {@link Op}, a static field of the region class). */
    void pushHandler(int k);

    /** Stores instruction k's PC into the CPU state. */
    void setPcOf(int k);

    /** Leaves the region after instruction k's handler raised an interrupt (PC, NIA set). */
    void leaveInterrupted(int k);

    /** Pushes / pops the whole cached CR (int), composed from its field locals / split into them. */
    void loadCr();

    void storeCr();

    /**
     * Pushes CR field f as a nibble / pops a nibble into CR field f. A field stored here lives in
     * its own local (from pass 2 on), so neither composes nor splits the whole CR.
     */
    void loadCrField(int f);

    void storeCrField(int f);

    /** Pushes / pops cached GPR r (long). */
    void loadGpr(int r);

    void storeGpr(int r);

    /** Writes the cached CR back before a handler that may read or write CR; reloads it after. */
    void spillCr();

    void reloadCr();
}
