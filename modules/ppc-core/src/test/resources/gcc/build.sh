#!/bin/sh
# Rebuilds the GCC 12 -O2 workload images used by GccWorkloadTest (Debian packages
# gcc-powerpc-linux-gnu and gcc-powerpc64-linux-gnu) and prints the host's checksums, which the
# test expects (seed 1 and seed 0xC0FFEE).
set -eu
cd "$(dirname "$0")"
FLAGS="-O2 -ffreestanding -fno-pic -fno-stack-protector -nostdlib -static -mregnames"
LINK="-Wl,-Ttext=0 -Wl,-e,_start -Wl,-N -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-z,noexecstack"
powerpc-linux-gnu-gcc -mcpu=e500mc $FLAGS $LINK -o work32.elf start32.S work.c -lgcc
powerpc64-linux-gnu-gcc -mcpu=e5500 -m64 $FLAGS $LINK -o work64.elf start64.S work.c -lgcc
powerpc-linux-gnu-objcopy -O binary -R .comment -R .PPC.EMB.apuinfo work32.elf work-e500mc.bin
powerpc64-linux-gnu-objcopy -O binary -R .comment work64.elf work-e5500.bin
rm -f work32.elf work64.elf
gcc -O2 -o host.out host.c work.c && ./host.out && rm -f host.out
