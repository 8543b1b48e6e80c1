/**
 * Device trees for guests: an immutable node model with a checking builder, the blob writer and
 * reader of the flattened format (version 17), and the tree every epapr-lab guest is given.
 */
package epaprlab.machine.fdt;
