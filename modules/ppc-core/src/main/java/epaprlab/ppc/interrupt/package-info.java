/**
 * Book E interrupts: IVOR numbers ({@link epaprlab.ppc.interrupt.Ivor}) and delivery ({@link
 * epaprlab.ppc.interrupt.Delivery}), including the "vector never installed" stop. Not exported.
 */
package epaprlab.ppc.interrupt;
