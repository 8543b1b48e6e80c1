/*
 * crt0-32.S - start-up code for 32-bit epapr-lab guests (e500mc, MSR[CM] = 0).
 *
 * Entry state (ePAPR 1.1 Table 5-1, as the epapr-lab engine sets it):
 *   r3 = address of the flattened device tree, r4 = r5 = 0,
 *   r6 = 0x45504150 ("EPAP"), r7 = RAM size, MSR = 0; r1 is undefined.
 * We set up a 16-byte aligned stack at the top of the 32 KiB .stack section,
 * clear .bss, remember the device tree in sdk_boot_fdt and call
 *   int main(const void *fdt);
 * If main returns, _sdk_exit(status) shuts the VM down (and idles forever if
 * the host refuses).
 */
    .file   "crt0-32.S"

    .section .text.start, "ax", @progbits
    .globl  _start
    .type   _start, @function
_start:
    mr      %r31, %r3                       /* keep the fdt pointer */

    lis     %r1, __stack_top@ha             /* stack: SysV frame with a */
    addi    %r1, %r1, __stack_top@l         /* zero back chain */
    li      %r0, 0
    stwu    %r0, -16(%r1)

    lis     %r4, __bss_start@ha             /* clear .bss (8-byte aligned */
    addi    %r4, %r4, __bss_start@l         /* bounds from guest.lds) */
    lis     %r5, __bss_end@ha
    addi    %r5, %r5, __bss_end@l
1:  cmplw   %r4, %r5
    bge     2f
    stw     %r0, 0(%r4)
    addi    %r4, %r4, 4
    b       1b
2:
    lis     %r4, sdk_boot_fdt@ha            /* sdk_boot_fdt = fdt */
    stw     %r31, sdk_boot_fdt@l(%r4)

    mr      %r3, %r31
    bl      main
    bl      _sdk_exit                       /* r3 = main's return value */
3:  b       3b                              /* not reached */
    .size   _start, . - _start

/*
 * _secondary_start - where a secondary vCPU enters when smp_release() writes
 * this address into its ePAPR spin-table entry (ePAPR 1.1 5.5.2): r3 = the
 * cpu number smp_release() put in the entry, MSR = 0. Each secondary gets an
 * 8 KiB stack (cpu N: the N-th slot of __secondary_stacks) and calls
 *   void secondary_main(unsigned cpu);
 * which by default idles forever (a weak definition in smp.c).
 */
    .globl  _secondary_start
    .type   _secondary_start, @function
_secondary_start:
    mr      %r31, %r3
    lis     %r1, __secondary_stacks@ha
    addi    %r1, %r1, __secondary_stacks@l
    slwi    %r4, %r31, 13                   /* top of slot N = base + N * 8 KiB */
    add     %r1, %r1, %r4
    li      %r0, 0
    stwu    %r0, -16(%r1)
    mr      %r3, %r31
    bl      secondary_main
    bl      vm_idle_forever
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
