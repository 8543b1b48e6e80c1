package epaprlab.ppc.exec;

/**
 * One decoded instruction's semantics. Implementations are static methods bound once in the
 * decode tables; they read the fields they need from the instruction word.
 */
@FunctionalInterface
public interface Op {
    void exec(CpuState s, int w);
}
