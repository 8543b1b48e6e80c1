#!/usr/bin/env python3
# Regenerates qemu-alu-<mode>.txt.gz for QemuDifferentialTest: random fixed-point instructions with
# random inputs, executed by qemu-user (Debian qemu-user) on e500mc (32) / e5500 (64).
# Usage: ./regen.py 32 1500 7 && ./regen.py 64 1500 8   (mode, count, seed)
import random, sys, struct
mode = sys.argv[1]  # 32 or 64
n = int(sys.argv[2]); seed = int(sys.argv[3])
rnd = random.Random(seed)
W = 8 if mode == '64' else 4
vals32 = [0, 1, 2, 3, 31, 32, 33, 63, 64, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x80000001, 0x10000, 0xffff, 0x8000]
vals64 = [0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff, 0x100000000, 0xffffffff00000000, 0x80000000ffffffff, 0x00000000ffffffff]
def val():
    r = rnd.random()
    if r < 0.35: v = rnd.choice(vals32)
    elif r < 0.5 and mode == '64': v = rnd.choice(vals64)
    elif r < 0.7: v = rnd.getrandbits(32)
    else: v = rnd.getrandbits(64) if mode == '64' else rnd.getrandbits(32)
    if mode == '32': v &= 0xffffffff
    elif rnd.random() < 0.2: v = (v & 0xffffffff) | (rnd.choice([0, 0xffffffff]) << 32)
    return v
XO = ['add','addc','adde','addme','addze','subf','subfc','subfe','subfme','subfze','neg','mullw','divw','divwu']
XO64 = ['mulld','divd','divdu']
NOOE = ['mulhw','mulhwu']
NOOE64 = ['mulhd','mulhdu']
X3 = ['and','andc','or','orc','xor','nand','nor','eqv','slw','srw','sraw']
X3_64 = ['sld','srd','srad']
X2 = ['extsb','extsh','cntlzw']
X2_64 = ['extsw','cntlzd']
def rr(): return rnd.choice(['r3','r4','r5'])
def gen():
    k = rnd.random()
    rc = rnd.choice(['', '.'])
    if k < 0.35:
        m = rnd.choice(XO + (XO64 if mode=='64' else []))
        oe = rnd.choice(['', 'o'])
        if m in ('addme','addze','subfme','subfze','neg'): return f'{m}{oe}{rc} r6,{rr()}'
        return f'{m}{oe}{rc} r6,{rr()},{rr()}'
    if k < 0.42:
        m = rnd.choice(NOOE + (NOOE64 if mode=='64' else []))
        return f'{m}{rc} r6,{rr()},{rr()}'
    if k < 0.6:
        m = rnd.choice(X3 + (X3_64 if mode=='64' else []))
        return f'{m}{rc} r6,{rr()},{rr()}'
    if k < 0.65:
        m = rnd.choice(X2 + (X2_64 if mode=='64' else []))
        return f'{m}{rc} r6,{rr()}'
    if k < 0.72:
        return rnd.choice([f'srawi{rc} r6,{rr()},{rnd.randrange(32)}', f'rlwinm{rc} r6,{rr()},{rnd.randrange(32)},{rnd.randrange(32)},{rnd.randrange(32)}',
                           f'rlwimi{rc} r6,{rr()},{rnd.randrange(32)},{rnd.randrange(32)},{rnd.randrange(32)}', f'rlwnm{rc} r6,{rr()},{rr()},{rnd.randrange(32)},{rnd.randrange(32)}'])
    if k < 0.8 and mode == '64':
        return rnd.choice([f'sradi{rc} r6,{rr()},{rnd.randrange(64)}', f'rldicl{rc} r6,{rr()},{rnd.randrange(64)},{rnd.randrange(64)}', f'rldicr{rc} r6,{rr()},{rnd.randrange(64)},{rnd.randrange(64)}',
                           f'rldic{rc} r6,{rr()},{rnd.randrange(64)},{rnd.randrange(64)}', f'rldimi{rc} r6,{rr()},{rnd.randrange(64)},{rnd.randrange(64)}', f'rldcl{rc} r6,{rr()},{rr()},{rnd.randrange(64)}', f'rldcr{rc} r6,{rr()},{rr()},{rnd.randrange(64)}'])
    if k < 0.84:
        c = lambda: rnd.randrange(32)
        return rnd.choice([f'crand {c()},{c()},{c()}', f'cror {c()},{c()},{c()}', f'crxor {c()},{c()},{c()}', f'crnand {c()},{c()},{c()}',
                           f'crnor {c()},{c()},{c()}', f'creqv {c()},{c()},{c()}', f'crandc {c()},{c()},{c()}', f'crorc {c()},{c()},{c()}',
                           f'mcrf cr{rnd.randrange(8)},cr{rnd.randrange(8)}', f'mtcrf {rnd.randrange(256)},{rr()}', 'mfcr r6',
                           f'mtocrf {1 << rnd.randrange(8)},{rr()}'] + ([f'mcrxr cr{rnd.randrange(8)}'] if mode == '32' else []))
    if k < 0.88:
        bf = rnd.randrange(8)
        return rnd.choice([f'cmpw cr{bf},{rr()},{rr()}', f'cmplw cr{bf},{rr()},{rr()}', f'cmpwi cr{bf},{rr()},{rnd.randrange(-32768,32768)}', f'cmplwi cr{bf},{rr()},{rnd.randrange(65536)}']
                          + ([f'cmpd cr{bf},{rr()},{rr()}', f'cmpld cr{bf},{rr()},{rr()}'] if mode=='64' else []))
    return rnd.choice([f'addic{rc} r6,{rr()},{rnd.randrange(-32768,32768)}', f'subfic r6,{rr()},{rnd.randrange(-32768,32768)}', f'mulli r6,{rr()},{rnd.randrange(-32768,32768)}',
                       f'andi. r6,{rr()},{rnd.randrange(65536)}', f'andis. r6,{rr()},{rnd.randrange(65536)}', f'addi r6,{rr()},{rnd.randrange(-32768,32768)}', f'addis r6,{rr()},{rnd.randrange(-32768,32768)}',
                       f'isel r6,{rr()},{rr()},{rnd.randrange(32)}', f'xoris r6,{rr()},{rnd.randrange(65536)}'])
L = 'ld' if mode == '64' else 'lwz'
S = 'std' if mode == '64' else 'stw'
q = '.quad' if mode == '64' else '.long'
out = []
if mode == '64':
    out += ['    .section .opd,"aw"', '    .align 3', '    .globl _start', '_start: .quad ._start, .TOC.@tocbase, 0', '    .text', '    .globl ._start', '._start:']
else:
    out += ['    .text', '    .globl _start', '_start:']
out += ['    lis r20,inputs@ha', '    addi r20,r20,inputs@l', '    lis r21,outputs@ha', '    addi r21,r21,outputs@l']
data = []
insns = []
for i in range(n):
    ins = gen(); insns.append(ins)
    a, b, c, d = val(), val(), val(), val()
    xer = rnd.choice([0, 0x20000000, 0x80000000, 0xa0000000, 0x40000000, 0xe0000000])
    cr = rnd.getrandbits(32)
    data.append((a, b, c, d, xer, cr))
    out += [f'    {L} r3,0(r20)', f'    {L} r4,{W}(r20)', f'    {L} r5,{2*W}(r20)', f'    {L} r6,{3*W}(r20)', f'    {L} r8,{4*W}(r20)', '    mtxer r8', f'    {L} r8,{5*W}(r20)', '    mtcrf 0xff,r8',
            f'    {ins}', '    mfcr r8', '    mfxer r9', f'    {S} r3,0(r21)', f'    {S} r4,{W}(r21)', f'    {S} r5,{2*W}(r21)', f'    {S} r6,{3*W}(r21)', f'    {S} r8,{4*W}(r21)', f'    {S} r9,{5*W}(r21)',
            f'    addi r20,r20,{6*W}', f'    addi r21,r21,{6*W}']
out += ['    li r0,4', '    li r3,1', '    lis r4,outputs@ha', '    addi r4,r4,outputs@l', f'    lis r5,{(n*6*W)>>16}', f'    ori r5,r5,{(n*6*W)&0xffff}', '    sc', '    li r0,1', '    li r3,0', '    sc']
out += ['    .data', '    .balign 8', 'inputs:']
for t in data: out += [f'    {q} ' + ','.join(hex(x) for x in t)]
out += ['    .bss', '    .balign 8', 'outputs:', f'    .space {n*6*W}']

import subprocess, tempfile, os, gzip
tmp = tempfile.mkdtemp()
src = os.path.join(tmp, 'p.s'); obj = os.path.join(tmp, 'p.o'); elf = os.path.join(tmp, 'p.elf')
open(src, 'w').write('\n'.join(out) + '\n')
pre = 'powerpc64-linux-gnu-' if mode == '64' else 'powerpc-linux-gnu-'
asopt = ['-a64', '-me5500'] if mode == '64' else ['-a32', '-me500mc']
subprocess.run([pre + 'as', '-mbooke', *asopt, '-mregnames', src, '-o', obj], check=True)
subprocess.run([pre + 'ld', '-Ttext=0x10000', '--no-warn-rwx-segments', '-e', '_start', obj, '-o', elf], check=True)
q = subprocess.run(['qemu-ppc64' if mode == '64' else 'qemu-ppc', '-cpu', 'e5500' if mode == '64' else 'e500mc', elf], check=True, capture_output=True).stdout
assert len(q) == n * 6 * W
ver = subprocess.run(['qemu-ppc', '--version'], capture_output=True, text=True).stdout.splitlines()[0]
lines = [f'# {n} random fixed-point cases run by {ver} -cpu ' + ('e5500 (64-bit)' if mode == '64' else 'e500mc') + f'; seed {seed}',
         '# instruction | inputs r3 r4 r5 r6 xer cr | outputs r3 r4 r5 r6 cr xer (as stored by QEMU)']
for i in range(n):
    o = [int.from_bytes(q[(i*6+k)*W:(i*6+k+1)*W], 'big') for k in range(6)]
    lines.append(f'{insns[i]} | ' + ' '.join(hex(x) for x in data[i]) + ' | ' + ' '.join(hex(x) for x in o))
with gzip.open(f'qemu-alu-{mode}.txt.gz', 'wt') as f:
    f.write('\n'.join(lines) + '\n')
