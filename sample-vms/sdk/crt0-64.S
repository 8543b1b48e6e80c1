/*
 * crt0-64.S - start-up code for 64-bit epapr-lab guests (e5500, ELFv1 ABI).
 *
 * The CPU enters in 32-bit mode (MSR[CM] = 0) with the ePAPR registers:
 *   r3 = address of the flattened device tree, r4 = r5 = 0,
 *   r6 = 0x45504150 ("EPAP"), r7 = RAM size, MSR = 0; r1 is undefined.
 * Before anything uses a 64-bit address we set MSR[CM] = 1 (64-bit mode).
 * Then r2 = .TOC. (the ELFv1 TOC pointer; the linker defines it as the start
 * of .got + 0x8000), r1 = top of the 32 KiB .stack section with a 112-byte
 * ELFv1 minimum frame, .bss is cleared, sdk_boot_fdt = fdt, and
 *   int main(const void *fdt);
 * is called. If main returns, _sdk_exit(status) shuts the VM down.
 *
 * _start is a plain code label (no .opd descriptor), so the ELF entry point
 * is the address of the first instruction. "bl main" names main's function
 * descriptor; the ELFv1 linker resolves the branch to main's code. The "nop"
 * after each bl is the ELFv1 TOC-restore slot.
 * All link-time addresses are below 2 GiB (image at 0x00010000), so lis/addi
 * pairs build them correctly in 64-bit mode.
 */
    .file   "crt0-64.S"

    .section .text.start, "ax", @progbits
    .globl  _start
    .type   _start, @function
_start:
    mfmsr   %r0                             /* MSR[CM] = 1: 64-bit mode */
    oris    %r0, %r0, 0x8000
    mtmsr   %r0
    isync

    clrldi  %r31, %r3, 32                   /* fdt (upper half undefined */
                                            /* while CM was 0) */
    lis     %r2, .TOC.@ha                   /* TOC pointer */
    addi    %r2, %r2, .TOC.@l

    lis     %r1, __stack_top@ha             /* stack with a zero back chain */
    addi    %r1, %r1, __stack_top@l
    li      %r0, 0
    stdu    %r0, -112(%r1)

    lis     %r4, __bss_start@ha             /* clear .bss (8-byte aligned */
    addi    %r4, %r4, __bss_start@l         /* bounds from guest.lds) */
    lis     %r5, __bss_end@ha
    addi    %r5, %r5, __bss_end@l
1:  cmpld   %r4, %r5
    bge     2f
    std     %r0, 0(%r4)
    addi    %r4, %r4, 8
    b       1b
2:
    lis     %r4, sdk_boot_fdt@ha            /* sdk_boot_fdt = fdt */
    addi    %r4, %r4, sdk_boot_fdt@l
    std     %r31, 0(%r4)

    mr      %r3, %r31
    bl      main
    nop
    bl      _sdk_exit                       /* r3 = main's return value */
    nop
3:  b       3b                              /* not reached */
    .size   _start, . - _start

/*
 * _secondary_start - where a secondary vCPU enters when smp_release() writes
 * this address into its ePAPR spin-table entry (ePAPR 1.1 5.5.2): r3 = the
 * cpu number smp_release() put in the entry, MSR = 0 (32-bit mode again, so
 * MSR[CM] is set first, as in _start). Each secondary gets an 8 KiB stack
 * (cpu N: the N-th slot of __secondary_stacks) and calls
 *   void secondary_main(unsigned cpu);
 * which by default idles forever (a weak definition in smp.c).
 */
    .globl  _secondary_start
    .type   _secondary_start, @function
_secondary_start:
    mfmsr   %r0
    oris    %r0, %r0, 0x8000
    mtmsr   %r0
    isync
    clrldi  %r31, %r3, 32
    lis     %r2, .TOC.@ha
    addi    %r2, %r2, .TOC.@l
    lis     %r1, __secondary_stacks@ha
    addi    %r1, %r1, __secondary_stacks@l
    sldi    %r4, %r31, 13                   /* top of slot N = base + N * 8 KiB */
    add     %r1, %r1, %r4
    li      %r0, 0
    stdu    %r0, -112(%r1)
    mr      %r3, %r31
    bl      secondary_main
    nop
    bl      vm_idle_forever
    nop
4:  b       4b
    .size   _secondary_start, . - _secondary_start

    .section .stack, "aw", @nobits
    .balign 16
    .globl  __stack_bottom, __stack_top
__stack_bottom:
    .space  32768
__stack_top:
    .globl  __secondary_stacks
__secondary_stacks:                         /* cpu 1..SDK_MAX_CPUS-1, 8 KiB each */
    .space  8192 * 7

    .section .note.GNU-stack, "", @progbits
