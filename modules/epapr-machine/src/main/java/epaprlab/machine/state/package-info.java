/**
 * What the state records of devices, vCPUs and machines share for snapshot files: array and count
 * encoding with bounds checks ({@link epaprlab.machine.state.StateIo}) and the error for saved state
 * that cannot be right ({@link epaprlab.machine.state.StateFormatException}).
 */
package epaprlab.machine.state;
