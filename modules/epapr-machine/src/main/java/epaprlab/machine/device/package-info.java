/**
 * Devices of the boards, behind one {@link epaprlab.machine.device.MmioBus}: the ePAPR byte channel,
 * and the QEMU 7.2 ppce500 devices (16550A UART, FSL MPIC 4.2, GUTS, QorIQ GPIO, e500 PCI host,
 * spin table, MPC I2C with a DS1338 RTC), each modelled on its QEMU source and the board spec.
 *
 * <p><b>Threads and locks.</b> Devices are called on any vCPU's thread and, for input, on host
 * threads; each guards its state with its own monitor. Lock order is device, then MPIC: a device
 * sets its {@link epaprlab.machine.device.IrqLine} with its lock held, and the MPIC drives the
 * vCPUs' {@link epaprlab.machine.device.InterruptTarget}s with its lock held; targets only set
 * volatile state and never call back. Callbacks that leave the device model (GUTS reset request,
 * GPIO power-off, spin-table release) run after the device's lock is released. Console bytes
 * ({@code Uart16550}'s transmit consumer) are handed over with the UART's lock held, so they keep
 * register order; the consumer must not block for long. The bus itself takes no lock per access.
 */
package epaprlab.machine.device;
