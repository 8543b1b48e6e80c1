package epaprlab.machine.snapshot;

import epaprlab.machine.device.ByteChannel;
import epaprlab.machine.device.Ds1338;
import epaprlab.machine.device.E500PciHost;
import epaprlab.machine.device.MpcI2c;
import epaprlab.machine.device.OpenPic;
import epaprlab.machine.device.QoriqGpio;
import epaprlab.machine.device.SpinTable;
import epaprlab.machine.device.Uart16550;

/** What a board keeps beside its VM: its devices' states. One record per board kind. */
public sealed interface BoardState {
    /** The board's name as {@link MachineSnapshot#board()} gives it. */
    String board();

    /**
     * The ePAPR board: the console byte channel, where this boot's spin table lies, and which
     * secondaries have left it (their vCPUs run guest code; the others still spin in RAM).
     * The array is never written.
     */
    record Epapr(ByteChannel.State console, long spinTableBase, boolean[] released) implements BoardState {
        @Override public String board() { return "epapr"; }
    }

    /**
     * The ppce500 board: every CCSR device (GUTS has no state: its registers are constants) and the
     * hypercall console byte channel.
     */
    record Ppce500(Uart16550.State uart, OpenPic.State mpic, E500PciHost.State pciHost, MpcI2c.State i2c,
                   Ds1338.State rtc, QoriqGpio.State gpio, SpinTable.State spinTable, ByteChannel.State hcallConsole)
            implements BoardState {
        @Override public String board() { return "ppce500"; }
    }
}
