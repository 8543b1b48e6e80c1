#!/bin/sh
# Rebuilds the GCC 12 -O2 -mhard-float images used by GccWorkloadTest (fpwork-e500mc.bin,
# fpwork-e5500.bin; Debian packages gcc-powerpc-linux-gnu, gcc-powerpc64-linux-gnu) and prints
# the reference checksums (seed 1 and seed 0xC0FFEE) from the very same fpwork object linked
# into a static Linux program run by qemu-user (package qemu-user): qemu-ppc -cpu e500mc and
# qemu-ppc64 -cpu e5500.
set -eu
cd "$(dirname "$0")"
FLAGS="-O2 -mhard-float -ffreestanding -fno-pic -fno-stack-protector -mregnames"
LINK="-mregnames -nostdlib -static -Wl,-Ttext=0 -Wl,-e,_start -Wl,-N -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-z,noexecstack"
powerpc-linux-gnu-gcc -mcpu=e500mc $FLAGS -c -o fp32.o fpwork.c
powerpc64-linux-gnu-gcc -mcpu=e5500 -m64 $FLAGS -c -o fp64.o fpwork.c
powerpc-linux-gnu-gcc -mcpu=e500mc $LINK -o fp32.elf fpstart32.S fp32.o -lgcc
powerpc64-linux-gnu-gcc -mcpu=e5500 -m64 $LINK -o fp64.elf fpstart64.S fp64.o -lgcc
powerpc-linux-gnu-objcopy -O binary -R .comment -R .PPC.EMB.apuinfo -R .gnu.attributes fp32.elf fpwork-e500mc.bin
powerpc64-linux-gnu-objcopy -O binary -R .comment -R .gnu.attributes fp64.elf fpwork-e5500.bin
powerpc-linux-gnu-gcc -mcpu=e500mc -static -o fpq32 fpqemu.c fp32.o
powerpc64-linux-gnu-gcc -mcpu=e5500 -m64 -static -o fpq64 fpqemu.c fp64.o
echo "e500mc: $(qemu-ppc -cpu e500mc ./fpq32)"
echo "e5500:  $(qemu-ppc64 -cpu e5500 ./fpq64)"
rm -f fp32.o fp64.o fp32.elf fp64.elf fpq32 fpq64
