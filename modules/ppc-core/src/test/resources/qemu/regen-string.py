#!/usr/bin/env python3
# Regenerates qemu-string.txt for StringInstructionTest: load/store string cases run by qemu-user.
# e500mc has no string instructions in QEMU 7.2 (SIGILL) nor in binutils, so they run on
# `qemu-ppc -cpu 7400` (a 32-bit core with the string category); lmw/stmw on misaligned
# addresses run on `-cpu e500mc` (QEMU raises no alignment interrupt there).
# Every valid case: r0..r31 := 0x10101010 + k*0x01010101 (k = register number), r21 = a fresh copy of
# the 64-byte buffer (byte i = i*7+1), r22 = index, XER = byte count; run the instruction; store
# r0..r31 (stmw r0 via r20) and the buffer. Invalid forms are run one per process: SIGILL = 132.
# Usage: ./regen-string.py   (writes qemu-string.txt next to this script)
import subprocess, tempfile, os, sys

VALID = [  # (cpu, instruction, xer byte count, r22 index)
    ('7400', 'lswi r5,r21,1', 0, 0), ('7400', 'lswi r5,r21,2', 0, 0), ('7400', 'lswi r5,r21,3', 0, 0),
    ('7400', 'lswi r5,r21,4', 0, 0), ('7400', 'lswi r5,r21,5', 0, 0), ('7400', 'lswi r5,r21,7', 0, 0),
    ('7400', 'lswi r5,r21,8', 0, 0), ('7400', 'lswi r5,r21,0', 0, 0), ('7400', 'lswi r29,r21,16', 0, 0),
    ('7400', 'lswi r30,r21,0', 0, 0), ('7400', 'lswi r17,r21,11', 0, 0),
    ('7400', 'lswx r5,r21,r22', 0, 3), ('7400', 'lswx r5,r21,r22', 1, 0), ('7400', 'lswx r5,r21,r22', 6, 1),
    ('7400', 'lswx r5,r21,r22', 13, 3), ('7400', 'lswx r28,r21,r22', 20, 2), ('7400', 'lswx r23,r21,r22', 32, 5),
    ('7400', 'stswi r5,r21,1', 0, 0), ('7400', 'stswi r5,r21,3', 0, 0), ('7400', 'stswi r5,r21,4', 0, 0),
    ('7400', 'stswi r5,r21,6', 0, 0), ('7400', 'stswi r5,r21,0', 0, 0), ('7400', 'stswi r30,r21,12', 0, 0),
    ('7400', 'stswx r5,r21,r22', 0, 1), ('7400', 'stswx r5,r21,r22', 5, 1), ('7400', 'stswx r5,r21,r22', 9, 2),
    ('7400', 'stswx r29,r21,r22', 17, 3),
    ('e500mc', 'lmw r28,1(r21)', 0, 0), ('e500mc', 'lmw r29,6(r21)', 0, 0), ('e500mc', 'stmw r29,3(r21)', 0, 0),
]
INVALID = [  # (instruction, xer byte count): run alone
    ('lswi r5,r5,8', 0), ('lswi r5,r6,8', 0), ('lswi r5,r7,8', 0), ('lswi r30,r0,12', 0), ('lswi r30,r2,12', 0),
    ('lswx r5,r6,r22', 8), ('lswx r5,r21,r6', 8), ('lswx r5,r21,r5', 1), ('lswx r5,r6,r22', 0), ('lswx r5,r0,r22', 8), ('lswx r5,r21,r22', 100),
]

XO = {'lswi': 597, 'lswx': 533, 'stswi': 725, 'stswx': 661}

def encode(ins):
    """String instructions as .long: binutils refuses the invalid forms we want QEMU's verdict on."""
    m, ops = ins.split(None, 1)
    if m not in XO: return ins
    a, b, c = (int(x.strip().lstrip('r')) for x in ops.split(','))
    return f'.long {(31 << 26) | (a << 21) | (b << 16) | (c << 11) | (XO[m] << 1):#010x}   # {ins}'

def pat(k): return 0x10101010 + k * 0x01010101

def setup(lines, i, xer, idx):
    lines += [f'    lis r0,{xer >> 16}', f'    ori r0,r0,{xer & 0xffff}', '    mtxer r0']
    for k in range(32):
        if k in (20, 21, 22): continue
        v = pat(k)
        lines += [f'    lis r{k},{v >> 16:#x}', f'    ori r{k},r{k},{v & 0xffff:#x}']
    lines += [f'    lis r21,buf{i}@ha', f'    addi r21,r21,buf{i}@l', f'    li r22,{idx}',
              f'    lis r20,out{i}@ha', f'    addi r20,r20,out{i}@l']

def build(cases, tag):
    out = ['    .text', '    .globl _start', '_start:']
    for i, (ins, xer, idx) in enumerate(cases):
        setup(out, i, xer, idx)
        out += [f'    {encode(ins)}', '    stmw r0,0(r20)']
    total = len(cases) * (128 + 64)
    out += ['    li r0,4', '    li r3,1', '    lis r4,out0@ha', '    addi r4,r4,out0@l',
            f'    lis r5,{total >> 16}', f'    ori r5,r5,{total & 0xffff}', '    sc', '    li r0,1', '    li r3,0', '    sc', '    .data']
    for i in range(len(cases)):
        out += [f'out{i}: .space 128', f'buf{i}: .byte ' + ','.join(str((b * 7 + 1) & 0xff) for b in range(64))]
    tmp = tempfile.mkdtemp()
    src, obj, elf = (os.path.join(tmp, f'{tag}.{e}') for e in ('s', 'o', 'elf'))
    open(src, 'w').write('\n'.join(out) + '\n')
    subprocess.run(['powerpc-linux-gnu-as', '-many', '-mregnames', src, '-o', obj], check=True)
    subprocess.run(['powerpc-linux-gnu-ld', '-Ttext=0x10000', '--no-warn-rwx-segments', '-e', '_start', obj, '-o', elf], check=True)
    return elf

rows = []
for cpu in ('7400', 'e500mc'):
    cases = [(ins, xer, idx) for c, ins, xer, idx in VALID if c == cpu]
    q = subprocess.run(['qemu-ppc', '-cpu', cpu, build(cases, cpu)], check=True, capture_output=True).stdout
    assert len(q) == len(cases) * 192, len(q)
    for i, (ins, xer, idx) in enumerate(cases):
        regs = [int.from_bytes(q[i * 192 + 4 * k:i * 192 + 4 * k + 4], 'big') for k in range(32)]
        buf = q[i * 192 + 128:i * 192 + 192]
        rows.append(f'{cpu} | {ins} | {xer} | {idx} | ok | ' + ' '.join(f'{r:08x}' for r in regs) + ' | ' + buf.hex())
for ins, xer in INVALID:
    rc = subprocess.run(['qemu-ppc', '-cpu', '7400', build([(ins, xer, 0)], 'inv')], capture_output=True).returncode
    rows.append(f'7400 | {ins} | {xer} | 0 | ' + ('sigill' if rc in (-4, 132) else 'legal') + ' | - | -')
ver = subprocess.run(['qemu-ppc', '--version'], capture_output=True, text=True).stdout.splitlines()[0]
hdr = [f'# load/store string and misaligned lmw/stmw reference, {ver}',
       '# cpu | instruction | XER byte count | r22 | ok (ran), sigill (illegal) or legal (not SIGILL; ran alone, state not recorded) | r0..r31 after (low words) | 64-byte buffer after (hex)']
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'qemu-string.txt'), 'w').write('\n'.join(hdr + rows) + '\n')
