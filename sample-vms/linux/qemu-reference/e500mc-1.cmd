qemu-system-ppc -M ppce500 -cpu e500mc -smp 1 -m 256 -nographic -no-reboot -kernel <tmp>/vmlinux-e500mc -initrd initramfs-ppc32.cpio.gz -append console=ttyS0
