qemu-system-ppc64 -M ppce500 -cpu e5500 -smp 2 -m 256 -nographic -no-reboot -kernel <tmp>/vmlinux-e5500 -initrd initramfs-ppc64.cpio.gz -append console=ttyS0
