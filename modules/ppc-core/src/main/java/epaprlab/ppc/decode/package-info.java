/**
 * Instruction decoding: field extractors named after the ISA fields ({@link
 * epaprlab.ppc.decode.Fields}) and the per-model dense dispatch tables ({@link
 * epaprlab.ppc.decode.DecodeTable}). Kept apart from execution so a translator can reuse it.
 * Not exported.
 */
package epaprlab.ppc.decode;
