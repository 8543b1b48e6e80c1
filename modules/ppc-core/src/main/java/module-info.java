/** The Book E CPU engine: CPU state, decoder, interpreter, guest memory. No runtime dependencies. */
module epaprlab.ppc {
    exports epaprlab.ppc.cpu;
    exports epaprlab.ppc.mem;
    exports epaprlab.ppc.disasm;
}
