package epaprlab.bench;

/**
 * The guest loops the benchmarks run, as instruction words with the assembly they were assembled
 * from ({@code powerpc-linux-gnu-as -mbooke -me500mc}; {@code GuestProgramsTest} re-assembles
 * the text and compares the words). Loaded at {@link #ORIGIN}; runs on both cores in 32-bit mode.
 */
public final class GuestPrograms {
    private GuestPrograms() {}

    /** Where every program is loaded (and entered). */
    public static final int ORIGIN = 0x1000;

    /** A program: its assembly text (one instruction per line) and the words. */
    public record Program(String name, String asm, int[] words) {}

    /**
     * Decode-and-dispatch: integer ALU ops, a compare, isel and the CTR loop branch; 9
     * instructions per iteration, no memory access. CTR must be large.
     */
    public static final Program DISPATCH = new Program("dispatch", """
            1: addi 3,3,1
            xor 4,4,3
            rlwinm 5,4,3,0,28
            add 6,6,5
            cmpw 7,6,3
            or 7,7,6
            subf 8,7,6
            isel 9,8,7,29
            bdnz 1b
            """, new int[] {
                0x38630001, 0x7c841a78, 0x54851838, 0x7cc62a14, 0x7f861800,
                0x7ce73378, 0x7d073050, 0x7d283f5e, 0x4200ffe0});

    /**
     * Loads and stores of every width through r4 (a data area), D-form and X-form (r10, r11
     * offsets), plus the loop branch: 9 instructions per iteration, 8 of them memory accesses.
     */
    public static final Program LOAD_STORE = new Program("load-store", """
            2: lwz 5,0(4)
            stw 5,4(4)
            lbz 6,8(4)
            stb 6,9(4)
            lwzx 7,4,10
            stwx 7,4,11
            lhz 8,12(4)
            sth 8,14(4)
            bdnz 2b
            """, new int[] {
                0x80a40000, 0x90a40004, 0x88c40008, 0x98c40009, 0x7ce4502e,
                0x7ce4592e, 0xa104000c, 0xb104000e, 0x4200ffe0});

    /** The hypercall loop: {@code sc 1} with the token in r11, forever. */
    public static final Program HCALL = new Program("hcall", """
            3: sc 1
            b 3b
            """, new int[] {0x44000022, 0x4bfffffc});
}
