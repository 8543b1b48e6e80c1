package epaprlab.machine.engine;

import epaprlab.machine.api.Capability;
import epaprlab.machine.api.Hypervisor;
import epaprlab.machine.api.Vm;
import epaprlab.machine.api.VmSpec;

/** The software hypervisor: every VM it creates runs on the ppc-core interpreter. */
public final class SoftHypervisor implements Hypervisor {
    public static final SoftHypervisor INSTANCE = new SoftHypervisor();

    private SoftHypervisor() {}

    @Override
    public boolean checkExtension(Capability capability) {
        return switch (capability) {
            case EXIT_EPAPR_HCALL -> true;
        };
    }

    @Override
    public Vm createVm(VmSpec spec) {
        return new SoftVm(spec);
    }
}
