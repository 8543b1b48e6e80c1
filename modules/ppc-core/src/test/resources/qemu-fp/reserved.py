#!/usr/bin/env python3
# Probes which reserved bits QEMU (qemu-user, e500mc "32" / e5500 "64") treats as illegal for each
# FP instruction: sets each operand/reserved bit of the instruction word alone and records SIGILL.
# FloatingPoint.java checks exactly these masks. Usage: ./reserved.py 32 && ./reserved.py 64
import subprocess, sys
from concurrent.futures import ThreadPoolExecutor
def run(w, mode):
    d = f'/tmp/fp-reserved/p{w:08x}{mode}'
    import os; os.makedirs(d, exist_ok=True)
    if mode == '64':
        src = f'    .section .opd,"aw"\n    .align 3\n    .globl _start\n_start: .quad ._start, .TOC.@tocbase, 0\n    .text\n    .globl ._start\n._start:\n    .long {hex(w)}\n    li 0,1\n    li 3,0\n    sc\n'
        pre, q = 'powerpc64-linux-gnu-', ['qemu-ppc64', '-cpu', 'e5500']
    else:
        src = f'    .text\n    .globl _start\n_start:\n    .long {hex(w)}\n    li 0,1\n    li 3,0\n    sc\n'
        pre, q = 'powerpc-linux-gnu-', ['qemu-ppc', '-cpu', 'e500mc']
    open(d+'/p.s','w').write(src)
    subprocess.run([pre+'as', d+'/p.s', '-o', d+'/p.o'], check=True)
    subprocess.run([pre+'ld', '-e', '_start', d+'/p.o', '-o', d+'/p.elf'], check=True)
    r = subprocess.run(q + [d+'/p.elf'], capture_output=True).returncode
    subprocess.run(['rm', '-rf', d])
    return r
def x(op, xo): return (op << 26) | (xo << 1)
def a(op, xo): return (op << 26) | (xo << 1)
INS = {  # name: (base word, form)
 'fcmpu': (x(63,0),'X'), 'fcmpo': (x(63,32),'X'), 'frsp': (x(63,12),'X'), 'fctiw': (x(63,14),'X'), 'fctiwz': (x(63,15),'X'),
 'fneg': (x(63,40),'X'), 'fmr': (x(63,72),'X'), 'fnabs': (x(63,136),'X'), 'fabs': (x(63,264),'X'),
 'mtfsb1': (x(63,38),'X'), 'mtfsb0': (x(63,70),'X'), 'mcrfs': (x(63,64),'X'), 'mtfsfi': (x(63,134),'X'), 'mffs': (x(63,583),'X'), 'mtfsf': (x(63,711),'X'),
 'fctid': (x(63,814),'X'), 'fctidz': (x(63,815),'X'), 'fcfid': (x(63,846),'X'),
 'fdiv': (a(63,18),'A'), 'fsub': (a(63,20),'A'), 'fadd': (a(63,21),'A'), 'fsel': (a(63,23),'A'), 'fmul': (a(63,25),'A'), 'frsqrte': (a(63,26),'A'), 'fmadd': (a(63,29),'A'),
 'fdivs': (a(59,18),'A'), 'fadds': (a(59,21),'A'), 'fres': (a(59,24),'A'), 'fmuls': (a(59,25),'A'), 'fmadds': (a(59,29),'A'),
 'lfsx': (x(31,535)|(1<<16)|(1<<11),'L'), 'lfdx': (x(31,599)|(1<<16)|(1<<11),'L'), 'lfsux': (x(31,567)|(1<<16)|(1<<11),'L'), 'lfdux': (x(31,631)|(1<<16)|(1<<11),'L'),
 'stfsx': (x(31,663)|(1<<16)|(1<<11),'L'), 'stfdx': (x(31,727)|(1<<16)|(1<<11),'L'), 'stfsux': (x(31,695)|(1<<16)|(1<<11),'L'), 'stfdux': (x(31,759)|(1<<16)|(1<<11),'L'), 'stfiwx': (x(31,983)|(1<<16)|(1<<11),'L'),
}
mode = sys.argv[1]
jobs = []
for name, (w, form) in INS.items():
    bits = list(range(6, 26 if form == 'A' else 21)) + [31]
    if form == 'L': bits = [31]
    for b in bits: jobs.append((name, b, w | (1 << (31 - b))))
with ThreadPoolExecutor(4) as ex:
    res = list(ex.map(lambda j: (j[0], j[1], run(j[2], mode)), jobs))
from collections import defaultdict
ill = defaultdict(list)
for name, b, r in res:
    if r in (132, -4): ill[name].append(b)
for name in INS:
    mask = 0
    for b in ill[name]: mask |= 1 << (31 - b)
    print(f'{name:8s} reserved bits {ill[name]} mask {hex(mask)}')
