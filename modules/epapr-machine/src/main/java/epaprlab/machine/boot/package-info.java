/**
 * ePAPR boot: parsing PowerPC ELF client images into pristine load segments, placing the device
 * tree after the image, and the checked {@link epaprlab.machine.boot.BootException} family that
 * names the image and the bad item.
 */
package epaprlab.machine.boot;
