/** The KVM-shaped ePAPR virtual machine: VM/vCPU API, hypercalls, boot, device tree, devices. */
module epaprlab.machine {
    requires transitive epaprlab.ppc;
    exports epaprlab.machine.api;
    exports epaprlab.machine.hcall;
    exports epaprlab.machine.boot;
    exports epaprlab.machine.fdt;
    exports epaprlab.machine.device;
    exports epaprlab.machine.board;
    exports epaprlab.machine.state;
    exports epaprlab.machine.snapshot;
}
