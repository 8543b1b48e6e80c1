/** Disassembler over the engine's decode tables, printing what GNU objdump prints. */
package epaprlab.ppc.disasm;
