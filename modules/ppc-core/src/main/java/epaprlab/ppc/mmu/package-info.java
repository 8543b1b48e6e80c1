/**
 * The Book E MMU of e500mc/e5500 (shared/spec/booke-mmu.md): the architected TLBs
 * ({@link epaprlab.ppc.mmu.Tlb}), the software TLB in front of them
 * ({@link epaprlab.ppc.mmu.SoftTlb}), translation of data accesses and fetches
 * ({@link epaprlab.ppc.mmu.Translate}), the TLB instructions
 * ({@link epaprlab.ppc.mmu.TlbInstructions}) and the tlbivax broadcast between the CPUs of one RAM
 * ({@link epaprlab.ppc.mmu.TlbShootdown}). Not exported.
 */
package epaprlab.ppc.mmu;
