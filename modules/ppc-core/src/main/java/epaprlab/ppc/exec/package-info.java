/**
 * The interpreter: {@link epaprlab.ppc.exec.CpuState} (architected state), the run loop with its
 * predecode cache ({@link epaprlab.ppc.exec.Interpreter}) and one handler class per ISA chapter
 * (FixedPoint, LoadStore, Branch, ConditionRegister, SystemRegisters, StorageControl,
 * ProcessorControl). Handlers are static methods named after mnemonics, bound once in
 * {@link epaprlab.ppc.decode.DecodeTable}. Not exported.
 */
package epaprlab.ppc.exec;
