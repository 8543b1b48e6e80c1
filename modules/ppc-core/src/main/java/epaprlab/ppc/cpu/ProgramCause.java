package epaprlab.ppc.cpu;

/** Why a Program interrupt (IVOR6) is raised; each cause sets exactly its ESR bit. */
public enum ProgramCause {
    ILLEGAL(Esr.PIL, "illegal instruction"),
    PRIVILEGED(Esr.PPR, "privileged instruction"),
    TRAP(Esr.PTR, "trap"),
    UNIMPLEMENTED(Esr.PUO, "unimplemented operation"),
    /** An enabled floating-point exception with MSR[FE0|FE1] != 0. */
    FP(Esr.FP, "floating-point enabled exception");

    private final long esrBit;
    private final String text;

    ProgramCause(long esrBit, String text) {
        this.esrBit = esrBit;
        this.text = text;
    }

    /** The ESR bit this cause sets (all other ESR bits are cleared). */
    public long esrBit() { return esrBit; }

    /** Lower-case description used in stop details, e.g. "illegal instruction". */
    public String text() { return text; }
}
