#!/bin/bash
# Builds the Linux sample guests of epapr-lab from Debian packages only:
# linux-source-6.1 + the Debian cross compilers. Outputs (committed next to
# this script): vmlinux-e500mc.gz, vmlinux-e5500.gz, initramfs-ppc32.cpio.gz,
# initramfs-ppc64.cpio.gz, defconfig-e500mc, defconfig-e5500, BUILD-RECORD.md.
#
#   build.sh [all]      everything below, in order, then the record
#   build.sh init       the two static /init programs
#   build.sh initramfs  the two initramfs archives (builds /init first)
#   build.sh e500mc     the 32-bit kernel (corenet32_smp_defconfig + fragment)
#   build.sh e5500      the 64-bit kernel (corenet64_smp_defconfig + fragment)
#   build.sh record     writes BUILD-RECORD.md from the last builds
#   build.sh check      verifies the committed outputs against BUILD-RECORD.md
#
# Environment: BUILD_DIR (default /var/tmp/epapr-lab-kernel, outside the
# repository), JOBS (default 2). The kernel builds run under nice -n 19.
# Not part of CI or bin/test: CI boots the committed images.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD_DIR=${BUILD_DIR:-/var/tmp/epapr-lab-kernel}
JOBS=${JOBS:-2}
SOURCE_TARBALL=/usr/src/linux-source-6.1.tar.xz
SRC=$BUILD_DIR/linux-source-6.1
FRAGMENT=$HERE/epapr-lab.config
STAGE=misc

# Fixed identity and time for everything the build stamps (kernel version
# string, cpio mtimes, gzip headers): 2025-01-01T00:00:00Z.
export SOURCE_DATE_EPOCH=1735689600
export KBUILD_BUILD_TIMESTAMP="Wed Jan  1 00:00:00 UTC 2025"
export KBUILD_BUILD_USER=epapr-lab KBUILD_BUILD_HOST=epapr-lab KBUILD_BUILD_VERSION=1
export LC_ALL=C TZ=UTC

die() { echo "build.sh: $*" >&2; exit 1; }

# Prints and logs each command before running it, so BUILD-RECORD.md can list
# exactly what ran.
run() {
    echo "+ $*" >&2
    echo "$*" >>"$BUILD_DIR/commands-$STAGE.log"
    "$@"
}

# Installs a missing Debian package, saying why; never silently.
need() {
    local pkg=$1 why=$2
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        echo "build.sh: package $pkg is missing; it is needed for: $why"
        [ "$(id -u)" = 0 ] || die "run as root or install it: apt-get install $pkg"
        run apt-get install -y --no-install-recommends "$pkg"
    fi
}

need_kernel_tools() {
    need linux-source-6.1 "the kernel source ($SOURCE_TARBALL)"
    need xz-utils "unpacking the kernel source"
    need make "the kernel build"
    need gcc "the kernel's host programs (kconfig, dtc, gen_init_cpio)"
    need bc "the kernel build (timeconst)"
    need bison "kconfig and dtc parsers"
    need flex "kconfig and dtc lexers"
    need libssl-dev "the kernel's certificate host tools"
    need libelf-dev "the kernel's host tools that read ELF"
}

unpack_source() {
    need_kernel_tools
    mkdir -p "$BUILD_DIR"
    if [ ! -f "$SRC/Makefile" ]; then
        run tar -C "$BUILD_DIR" -xJf "$SOURCE_TARBALL"
    fi
}

# Runs one stage; its commands and wall time are kept in the build directory
# (commands-STAGE.log, time-STAGE) for the record.
timed() {
    STAGE=$1; shift
    mkdir -p "$BUILD_DIR"
    : >"$BUILD_DIR/commands-$STAGE.log"
    local t0; t0=$(date +%s)
    "$@"
    echo "$(( $(date +%s) - t0 )) $(date -u -d "@$t0" +%FT%TZ) $(nproc)" >"$BUILD_DIR/time-$STAGE"
}

# kernel NAME DEFCONFIG CROSS_PREFIX
kernel() {
    local name=$1 defconfig=$2 cross=$3
    local obj=$BUILD_DIR/build-$name
    local mk=(make -C "$SRC" O="$obj" ARCH=powerpc CROSS_COMPILE="$cross")
    unpack_source
    mkdir -p "$obj"
    run "${mk[@]}" "$defconfig"
    run "$SRC/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$FRAGMENT"
    run "${mk[@]}" olddefconfig
    # merge_config.sh only warns when Kconfig drops a requested value: fail instead.
    local line missing=0
    while read -r line; do
        case $line in CONFIG_*=*) ;; *) continue ;; esac
        grep -qx "$line" "$obj/.config" || { echo "build.sh: $name: $line did not survive olddefconfig" >&2; missing=1; }
    done <"$FRAGMENT"
    [ $missing = 0 ] || die "$name: config fragment not applied"
    run nice -n 19 "${mk[@]}" -j"$JOBS" vmlinux
    run "${mk[@]}" savedefconfig
    run cp "$obj/defconfig" "$HERE/defconfig-$name"
    # Symbols stay (crash reports can name functions); no debug sections exist.
    run "${cross}objcopy" --strip-debug "$obj/vmlinux" "$BUILD_DIR/vmlinux-$name"
    run sh -c "gzip -9 -n <'$BUILD_DIR/vmlinux-$name' >'$HERE/vmlinux-$name.gz'"
}

# init ARCH CC: the static /init, from init.c.
build_init() {
    local arch=$1 cc=$2
    run "$cc" -static -Os -Wall -Wextra -Werror -ffile-prefix-map="$HERE"=. \
        -o "$BUILD_DIR/init-$arch" "$HERE/init/init.c"
    run "${cc%gcc}strip" "$BUILD_DIR/init-$arch"
    run touch -d "@$SOURCE_DATE_EPOCH" "$BUILD_DIR/init-$arch"
}

inits() {
    need gcc-powerpc-linux-gnu "the 32-bit static /init"
    need libc6-dev-powerpc-cross "the 32-bit static /init (static glibc)"
    need gcc-powerpc64-linux-gnu "the 64-bit static /init"
    need libc6-dev-ppc64-cross "the 64-bit static /init (static glibc)"
    mkdir -p "$BUILD_DIR"
    build_init ppc32 powerpc-linux-gnu-gcc
    build_init ppc64 powerpc64-linux-gnu-gcc
}

# A newc cpio written by the kernel's own gen_init_cpio: no root needed, owners
# are 0:0 and mtimes fixed, so the archive is byte-for-byte reproducible.
initramfs() {
    local arch=$1
    local list=$BUILD_DIR/initramfs-$arch.list
    cat >"$list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
file /init $BUILD_DIR/init-$arch 0755 0 0
LIST
    run sh -c "'$BUILD_DIR/gen_init_cpio' -t $SOURCE_DATE_EPOCH '$list' >'$BUILD_DIR/initramfs-$arch.cpio'"
    run sh -c "gzip -9 -n <'$BUILD_DIR/initramfs-$arch.cpio' >'$HERE/initramfs-$arch.cpio.gz'"
}

initramfses() {
    unpack_source
    inits
    run gcc -O2 -o "$BUILD_DIR/gen_init_cpio" "$SRC/usr/gen_init_cpio.c"
    initramfs ppc32
    initramfs ppc64
}

# Writes BUILD-RECORD.md from the build directory's stage logs and timings.
record() {
    local f=$HERE/BUILD-RECORD.md stage
    local stages=() outputs=()
    for stage in initramfs e500mc e5500; do
        if [ -f "$BUILD_DIR/time-$stage" ]; then stages+=("$stage"); else echo "build.sh: record: stage $stage has not run" >&2; fi
    done
    [ -f "$BUILD_DIR/time-initramfs" ] && outputs+=(initramfs-ppc32.cpio.gz initramfs-ppc64.cpio.gz)
    [ -f "$BUILD_DIR/time-e500mc" ] && outputs+=(vmlinux-e500mc.gz defconfig-e500mc)
    [ -f "$BUILD_DIR/time-e5500" ] && outputs+=(vmlinux-e5500.gz defconfig-e5500)
    pkgs() {
        dpkg-query -W -f='| ${Package} | ${Version} |\n' "$@"
    }
    secs() { local s; read -r s _ <"$BUILD_DIR/time-$1"; printf '%d min %02d s' $((s / 60)) $((s % 60)); }
    started() { local _s t; read -r _s t _ <"$BUILD_DIR/time-$1"; echo "$t"; }
    {
        echo "# Build record of the Linux sample guests"
        echo
        echo "Written by \`build.sh record\` from the last run of each stage of \`build.sh\`."
        echo "\`build.sh check\` verifies the committed files against the sums at the end."
        echo
        echo "## Time on this machine"
        echo
        echo "$(nproc) cores shared with other work; kernels built with \`nice -n 19 make -j$JOBS\`."
        echo
        echo "| stage | started (UTC) | wall time |"
        echo "| --- | --- | --- |"
        for stage in "${stages[@]}"; do
            echo "| $stage | $(started $stage) | $(secs $stage) |"
        done
        echo
        echo "## Debian packages"
        echo
        echo "| package | version |"
        echo "| --- | --- |"
        pkgs linux-source-6.1 gcc-powerpc-linux-gnu gcc-12-powerpc-linux-gnu binutils-powerpc-linux-gnu \
            libc6-dev-powerpc-cross gcc-powerpc64-linux-gnu gcc-12-powerpc64-linux-gnu \
            binutils-powerpc64-linux-gnu libc6-dev-ppc64-cross gcc make bison flex bc gzip
        echo
        echo "## Compilers"
        echo
        echo '```'
        local t
        for t in powerpc-linux-gnu powerpc64-linux-gnu; do
            "$t-gcc" --version | head -1
            "$t-ld" --version | head -1
        done
        gcc --version | head -1
        echo '```'
        echo
        echo "## Kernels"
        echo
        echo '```'
        for t in "${stages[@]}"; do
            [ "$t" != initramfs ] || continue
            echo "$t: $(grep -a -m1 -o 'Linux version [^%]*' "$BUILD_DIR/vmlinux-$t" | head -1)"
        done
        echo '```'
        echo
        echo "Config fragment \`epapr-lab.config\`, merged on top of the defconfig with"
        echo "\`merge_config.sh -m\` and \`make olddefconfig\`; \`build.sh\` fails when a line of"
        echo "it is not in the final \`.config\`. The resulting configurations, reduced by"
        echo "\`make savedefconfig\`, are committed as \`defconfig-e500mc\` and \`defconfig-e5500\`."
        echo
        echo '```'
        cat "$FRAGMENT"
        echo '```'
        echo
        echo "## Exact commands"
        echo
        echo "\`\$SAMPLE\` is this folder, \`\$BUILD_DIR\` the build directory (default"
        echo "\`/var/tmp/epapr-lab-kernel\`). Environment of every command:"
        echo
        echo '```'
        echo "SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"
        echo "KBUILD_BUILD_TIMESTAMP=\"$KBUILD_BUILD_TIMESTAMP\""
        echo "KBUILD_BUILD_USER=$KBUILD_BUILD_USER KBUILD_BUILD_HOST=$KBUILD_BUILD_HOST KBUILD_BUILD_VERSION=$KBUILD_BUILD_VERSION"
        echo "LC_ALL=$LC_ALL TZ=$TZ"
        echo '```'
        for stage in "${stages[@]}"; do
            echo
            echo "### $stage"
            echo
            echo '```'
            sed "s|$BUILD_DIR|\$BUILD_DIR|g; s|$HERE|\$SAMPLE|g" "$BUILD_DIR/commands-$stage.log"
            echo '```'
            if [ "$stage" = initramfs ]; then
                echo
                echo "The cpio list of the ppc32 archive (ppc64: the same with \`init-ppc64\`):"
                echo
                echo '```'
                sed "s|$BUILD_DIR|\$BUILD_DIR|g" "$BUILD_DIR/initramfs-ppc32.list"
                echo '```'
            fi
        done
        echo
        echo "## Sizes"
        echo
        echo "| file | bytes |"
        echo "| --- | --- |"
        for t in "${outputs[@]}"; do echo "| \`$t\` | $(stat -c %s "$HERE/$t") |"; done
        echo
        echo "## sha256 of the outputs"
        echo
        echo '```'
        (cd "$HERE" && sha256sum "${outputs[@]}")
        echo '```'
    } >"$f.tmp"
    mv "$f.tmp" "$f"
    echo "build.sh: wrote $f"
}

OUTPUTS=(vmlinux-e500mc.gz vmlinux-e5500.gz initramfs-ppc32.cpio.gz initramfs-ppc64.cpio.gz
         defconfig-e500mc defconfig-e5500)

check() {
    [ -f "$HERE/BUILD-RECORD.md" ] || die "no BUILD-RECORD.md"
    local sums; sums=$(grep -E '^[0-9a-f]{64}  [A-Za-z0-9._-]+$' "$HERE/BUILD-RECORD.md" || true)
    [ -n "$sums" ] || die "BUILD-RECORD.md lists no sha256 sums"
    (cd "$HERE" && sha256sum -c --strict <<<"$sums") || die "a committed output differs from BUILD-RECORD.md"
    local f
    for f in "${OUTPUTS[@]}"; do
        grep -q "  $f\$" <<<"$sums" || die "BUILD-RECORD.md has no sha256 for $f"
    done
}

# The whole script is parsed before anything runs (main on one line with exit), so
# editing it during a long build cannot change the running build.
main() {
case ${1:-all} in
    init) timed init inits ;;
    initramfs) timed initramfs initramfses ;;
    e500mc) timed e500mc kernel e500mc corenet32_smp_defconfig powerpc-linux-gnu- ;;
    e5500) timed e5500 kernel e5500 corenet64_smp_defconfig powerpc64-linux-gnu- ;;
    record) record ;;
    check) check ;;
    all)
        timed initramfs initramfses
        timed e500mc kernel e500mc corenet32_smp_defconfig powerpc-linux-gnu-
        timed e5500 kernel e5500 corenet64_smp_defconfig powerpc64-linux-gnu-
        record
        ;;
    *) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac
}
main "$@"; exit $?
