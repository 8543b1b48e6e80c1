package epaprlab.machine.fdt;

/** The 40-byte blob header (spec 3.6); every field a big-endian u32 at the offset noted. */
public record FdtHeader(
        int magic,               // 0x00
        int totalSize,           // 0x04
        int offDtStruct,         // 0x08
        int offDtStrings,        // 0x0C
        int offMemRsvmap,        // 0x10
        int version,             // 0x14
        int lastCompVersion,     // 0x18
        int bootCpuidPhys,       // 0x1C
        int sizeDtStrings,       // 0x20
        int sizeDtStruct) {      // 0x24
    public static final int MAGIC = 0xD00DFEED;
    public static final int SIZE = 40;
    public static final int VERSION = 17;
    public static final int LAST_COMP_VERSION = 16;
}
