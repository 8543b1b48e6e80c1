#!/usr/bin/env python3
# Regenerates qemu-fp-<mode>.txt.gz for QemuFloatingPointTest: random floating-point instructions
# (every arithmetic op, every rounding mode, Rc forms, FPSCR moves) on operands chosen among
# NaNs (quiet and signalling, with payloads), infinities, zeros, denormals, +-max, values near
# rounding boundaries and random bit patterns, executed by qemu-user (Debian qemu-user) on
# e500mc (32) / e5500 (64). Exception-enable bits stay 0 (QEMU user mode would raise SIGFPE).
# Usage: ./regen.py 32 10000 11 && ./regen.py 64 10000 12   (mode, count, seed)
import random, sys, struct, subprocess, tempfile, os, gzip
mode = sys.argv[1]; n = int(sys.argv[2]); seed = int(sys.argv[3])
rnd = random.Random(seed)
def d2b(x): return struct.unpack('>Q', struct.pack('>d', x))[0]
def f2b(x): return struct.unpack('>Q', struct.pack('>d', struct.unpack('>f', struct.pack('>f', x))[0]))[0]
SPECIAL = [0, 1 << 63, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000000,
           0x7ff8000000000123, 0xfffc00000000abcd, 0x7ff0000000000001, 0xfff4000000000000, 0x7ff7ffffffffffff,
           0x0000000000000001, 0x8000000000000001, 0x000fffffffffffff, 0x800fffffffffffff, 0x0010000000000000,
           0x7fefffffffffffff, 0xffefffffffffffff, d2b(1.0), d2b(-1.0), d2b(0.5), d2b(2.0), d2b(3.0), d2b(1/3),
           d2b(-2.5), d2b(0.5 + 2**-53), d2b(1.5), d2b(2**31), d2b(2**31 - 0.5), d2b(-2**31 - 0.5), d2b(-2**31 - 1),
           d2b(2**63), d2b(-2**63), d2b(2**52 + 0.5), d2b(4503599627370497.0), d2b(1e308), d2b(-1e-310),
           f2b(3.4028234663852886e38), d2b(3.4028235677973366e38), d2b(3.4028235677973362e38), d2b(1.1754943508222875e-38),
           d2b(1.401298464324817e-45), d2b(7.006492321624085e-46), d2b(2**-149 * 1.5), d2b(2**-1022 * 1.75),
           0x36a0000000000000, 0x3690000000000000, 0x47efffffe0000000, 0x47effffff0000000, 0x3810000000000000, 0x380fffffffffffff]
def rand_near():
    b = rnd.choice(SPECIAL[16:])
    return (b + rnd.randrange(-3, 4)) & 0xffffffffffffffff
def val():
    r = rnd.random()
    if r < 0.3: return rnd.choice(SPECIAL)
    if r < 0.4: return rand_near()
    if r < 0.55: return f2b(struct.unpack('>f', struct.pack('>I', rnd.getrandbits(32)))[0]) if True else 0
    if r < 0.7: return d2b(rnd.choice([1, -1]) * rnd.randrange(1, 1 << rnd.randrange(1, 64)) * 2.0 ** rnd.randrange(-4, 4))
    if r < 0.85:  # ordinary numbers of moderate exponent
        return (rnd.getrandbits(1) << 63) | (rnd.randrange(900, 1150) << 52) | rnd.getrandbits(52)
    return rnd.getrandbits(64)
def fpscr_in():
    v = rnd.randrange(4)  # RN
    if rnd.random() < 0.15: v |= 4  # NI (QEMU ignores it)
    if rnd.random() < 0.5: v |= rnd.getrandbits(32) & 0x9ff7f000  # FX, exception and status bits
    if rnd.random() < 0.3: v |= rnd.getrandbits(32) & 0x00000700  # VXSOFT VXSQRT VXCVI
    return v & ~0xf8 & 0xffffffff
ARITH2 = ['fadd', 'fsub', 'fmul', 'fdiv']
ARITH3 = ['fmadd', 'fmsub', 'fnmadd', 'fnmsub']
MOVES = ['fabs', 'fnabs', 'fneg', 'fmr']
def gen():
    rc = rnd.choice(['', '.'])
    k = rnd.random()
    if k < 0.30:
        m = rnd.choice(ARITH2) + rnd.choice(['', 's'])
        return f'{m}{rc} f4,f1,f2' if 'mul' not in m else f'{m}{rc} f4,f1,f3'
    if k < 0.50: return f'{rnd.choice(ARITH3)}{rnd.choice(["", "s"])}{rc} f4,f1,f3,f2'
    if k < 0.55: return f'{rnd.choice(MOVES)}{rc} f4,f2'
    if k < 0.62: return f'{rnd.choice(["fcmpu", "fcmpo"])} cr{rnd.randrange(8)},f1,f2'
    if k < 0.67: return f'frsp{rc} f4,f2'
    if k < 0.74: return f'{rnd.choice(["fctiw", "fctiwz"] + (["fctid", "fctidz", "fcfid"] if mode == "64" else []))}{rc} f4,f2'
    if k < 0.77: return f'fsel{rc} f4,f1,f3,f2'
    if k < 0.82: return f'{rnd.choice(["fres", "frsqrte"])}{rc} f4,f2'
    if k < 0.86: return f'mtfsf{rc} {rnd.randrange(256)},f2' if rnd.random() < 0.8 else f'.long {0xfffe158e | (rc == ".")}'  # mtfsf with L=1 (binutils refuses L on these cores)
    if k < 0.89: return f'mtfsfi{rc} {rnd.randrange(8)},{rnd.randrange(16)}'
    if k < 0.94: return f'{rnd.choice(["mtfsb0", "mtfsb1"])}{rc} {rnd.randrange(32)}'
    if k < 0.98: return f'mcrfs cr{rnd.randrange(8)},cr{rnd.randrange(8)}'
    return f'mffs{rc} f4'
def mtfsf_image():
    # FPSCR images for mtfsf: enables may be set, but never together with their exception bit
    v = rnd.getrandbits(32)
    for exc, en in ((29, 7), (28, 6), (27, 5), (26, 4), (25, 3)):
        if (v >> en) & 1 and rnd.random() < 0.7: v &= ~(1 << en)
    return v
def b2d(b): return struct.unpack('>d', struct.pack('>Q', b))[0]
def single(x):
    try: return struct.unpack('>f', struct.pack('>f', x))[0]
    except OverflowError: return x
def hard_operands(ins, fa, fb, fc):
    """Sometimes replaces operands by hard rounding cases: cancellation and near-ties."""
    m = ins.split()[0].rstrip('.')
    r = rnd.random()
    def ulps(x, k): return (x + k) & 0xffffffffffffffff
    if m in ('fadd', 'fsub', 'fadds', 'fsubs') and r < 0.35:
        a = b2d(fa)
        if a == a and abs(a) != float('inf'):
            b = -a if m in ('fadd', 'fadds') else a
            fb = ulps(d2b(b), rnd.randrange(-3, 4))
            if rnd.random() < 0.5: fb = d2b(b2d(fb) + a * 2.0 ** -rnd.randrange(20, 60))
    elif m.startswith(('fmadd', 'fmsub', 'fnmadd', 'fnmsub')) and r < 0.45:
        a, c = b2d(fa), b2d(fc)
        if m.endswith('s') and rnd.random() < 0.7:
            a, c = single(a), single(c); fa, fc = d2b(a), d2b(c)
        p = a * c
        if p == p and abs(p) != float('inf'):
            want = -p if 'madd' in m else p
            fb = ulps(d2b(want), rnd.randrange(-2, 3))
    elif m in ('fmuls', 'fdivs', 'fadds', 'fsubs', 'fres') and r < 0.3:
        fa = d2b(single(b2d(fa))) if b2d(fa) == b2d(fa) else fa
        fb = d2b(single(b2d(fb))) if b2d(fb) == b2d(fb) else fb
        fc = d2b(single(b2d(fc))) if b2d(fc) == b2d(fc) else fc
    elif m in ('fctiw', 'fctiwz', 'fctid', 'fctidz') and r < 0.4:
        fb = d2b(rnd.choice([1, -1]) * (rnd.randrange(1 << rnd.choice([8, 31, 32, 52, 62, 63])) + rnd.choice([0, 0.5, 0.25, 0.75])))
    elif m == 'fcfid' and r < 0.4:
        fb = rnd.getrandbits(rnd.choice([54, 55, 63, 64]))
    return fa, fb, fc
def fields(v): return [(v >> s) & 0xf for s in range(0, 32, 4)]
def safe(old, insn, fb):
    """False if this case could leave an enabled exception (QEMU user mode would raise SIGFPE)."""
    m = insn.split()[0].rstrip('.')
    if m == 'mtfsf':
        flm = int(insn.split()[1].split(',')[0])
        mask = 0
        for i in range(8):
            if flm & (1 << i): mask |= 0xf << (4 * i)
        new = (fb & mask) | (old & ~mask)
    elif m == '.long':
        new = fb
    elif m == 'mtfsfi':
        bf, imm = map(int, insn.split()[1].split(','))
        sh = 4 * (7 - bf); new = (old & ~(0xf << sh)) | (imm << sh)
    elif m == 'mtfsb1':
        new = old | (1 << (31 - int(insn.split()[1])))
    else:
        return True
    ix = new & 0x01f80700
    vx = 1 if ix else 0
    exc = ((new >> 25) & 0xf) | (vx << 4)
    return (exc & (new >> 3) & 0x1f) == 0 and (new & 0xf8) == 0 or (exc & (new >> 3) & 0x1f) == 0
W = 8
L = 'ld' if mode == '64' else 'lwz'
out = []
if mode == '64':
    out += ['    .section .opd,"aw"', '    .align 3', '    .globl _start', '_start: .quad ._start, .TOC.@tocbase, 0', '    .text', '    .globl ._start', '._start:']
else:
    out += ['    .text', '    .globl _start', '_start:']
out += ['    lis r20,inputs@ha', '    addi r20,r20,inputs@l', '    lis r21,outputs@ha', '    addi r21,r21,outputs@l']
data, insns = [], []
while len(insns) < n:
    ins = gen()
    fs = fpscr_in(); cr = rnd.getrandbits(32)
    fa, fb, fc, ft = val(), val(), val(), val()
    if ins.startswith(('mtfsf ', 'mtfsf. ', '.long')): fb = mtfsf_image()
    if not safe(fs, ins, fb): continue
    fa, fb, fc = hard_operands(ins, fa, fb, fc)
    insns.append(ins); data.append((fs, cr, fa, fb, fc, ft))
    out += ['    lfd f5,0(r20)', '    mtfsf 255,f5', '    lfd f1,16(r20)', '    lfd f2,24(r20)', '    lfd f3,32(r20)', '    lfd f4,40(r20)',
            '    lwz r8,12(r20)', '    mtcrf 255,r8', '    mffs f6', '    stfd f6,0(r21)',
            f'    {ins}', '    mffs f6', '    mfcr r8', '    stfd f4,8(r21)', '    stfd f6,16(r21)', '    stw r8,28(r21)',
            '    addi r20,r20,48', '    addi r21,r21,32']
out += ['    li r0,4', '    li r3,1', '    lis r4,outputs@ha', '    addi r4,r4,outputs@l', f'    lis r5,{(n*32)>>16}', f'    ori r5,r5,{(n*32)&0xffff}', '    sc', '    li r0,1', '    li r3,0', '    sc']
out += ['    .data', '    .balign 8', 'inputs:']
for t in data: out += ['    .quad ' + ','.join(hex(x) for x in t)] if mode == '64' else ['    .long ' + ','.join(hex(w) for x in t for w in (x >> 32, x & 0xffffffff))]
out += ['    .bss', '    .balign 8', 'outputs:', f'    .space {n*32}']
tmp = tempfile.mkdtemp()
src = os.path.join(tmp, 'p.s'); obj = os.path.join(tmp, 'p.o'); elf = os.path.join(tmp, 'p.elf')
open(src, 'w').write('\n'.join(out) + '\n')
pre = 'powerpc64-linux-gnu-' if mode == '64' else 'powerpc-linux-gnu-'
asopt = ['-a64', '-me5500'] if mode == '64' else ['-a32', '-me500mc']
subprocess.run([pre + 'as', '-mbooke', *asopt, '-mregnames', src, '-o', obj], check=True)
subprocess.run([pre + 'ld', '-Ttext=0x10000', '--no-warn-rwx-segments', '-e', '_start', obj, '-o', elf], check=True)
q = subprocess.run(['qemu-ppc64' if mode == '64' else 'qemu-ppc', '-cpu', 'e5500' if mode == '64' else 'e500mc', elf], check=True, capture_output=True).stdout
assert len(q) == n * 32, len(q)
ver = subprocess.run(['qemu-ppc', '--version'], capture_output=True, text=True).stdout.splitlines()[0]
lines = [f'# {n} random floating-point cases run by {ver} -cpu ' + ('e5500 (64-bit)' if mode == '64' else 'e500mc') + f'; seed {seed}',
         '# instruction | inputs fpscr cr f1 f2 f3 f4 | outputs fpscr-before f4 fpscr-after cr (f4 is the target; mffs images)']
for i in range(n):
    o = [int.from_bytes(q[(i*4+k)*8:(i*4+k+1)*8], 'big') for k in range(4)]
    lines.append(f'{insns[i]} | ' + ' '.join(hex(x) for x in data[i]) + ' | ' + ' '.join(hex(x) for x in o))
with gzip.open(f'qemu-fp-{mode}.txt.gz', 'wt') as f:
    f.write('\n'.join(lines) + '\n')
