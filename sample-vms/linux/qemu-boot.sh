#!/bin/bash
# Boots the committed Linux sample images under Debian's QEMU (ppce500 board)
# and prints, per configuration, the wall time to the first line of our /init
# and to QEMU's exit. The reference for epapr-lab's ppce500 board.
#
#   qemu-boot.sh [--record] [CONFIG...]
#
# CONFIG is e500mc-1, e500mc-2, e5500-1 or e5500-2 (cpu - vCPUs); default all.
# --record also writes each console log and the table to qemu-reference/.
# Under QEMU /chosen has no epapr-lab,boot-count, so /init powers off at once
# and the gpio-poweroff line ends QEMU. QEMU_TIMEOUT (default 30 s) bounds a
# boot that never ends; such a run is reported as "timeout".
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TIMEOUT=${QEMU_TIMEOUT:-30}
MARKER='epapr-lab-init: start'
RECORD=
if [ "${1:-}" = --record ]; then RECORD=$HERE/qemu-reference; shift; fi
CONFIGS=("$@")
[ ${#CONFIGS[@]} -gt 0 ] || CONFIGS=(e500mc-1 e500mc-2 e5500-1 e5500-2)

die() { echo "qemu-boot.sh: $*" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Prints the QEMU command line of one configuration, one word a line.
command_of() {
    local cpu=${1%-*} smp=${1#*-} qemu kernel initrd
    case $cpu in
        e500mc) qemu=qemu-system-ppc; kernel=vmlinux-e500mc; initrd=initramfs-ppc32.cpio.gz ;;
        e5500) qemu=qemu-system-ppc64; kernel=vmlinux-e5500; initrd=initramfs-ppc64.cpio.gz ;;
        *) die "unknown configuration $1 (e500mc-N or e5500-N)" ;;
    esac
    case $smp in [1-9]) ;; *) die "bad vCPU count in $1" ;; esac
    [ -f "$HERE/$kernel.gz" ] || die "$HERE/$kernel.gz is missing (build.sh builds it)"
    [ -f "$TMP/$kernel" ] || gzip -dc "$HERE/$kernel.gz" >"$TMP/$kernel"
    printf '%s\n' "$qemu" -M ppce500 -cpu "$cpu" -smp "$smp" -m 256 -nographic -no-reboot \
        -kernel "$TMP/$kernel" -initrd "$HERE/$initrd" -append console=ttyS0
}

# Copies the console to $1 line by line as QEMU writes it and writes, to $2,
# the seconds from $3 to the first line starting with the /init marker.
read_console() {
    local log=$1 mark=$2 t0=$3 line
    : >"$log"
    while IFS= read -r line; do
        line=${line%$'\r'}
        printf '%s\n' "$line" >>"$log"
        if [ ! -s "$mark" ] && [[ $line == "$MARKER"* ]]; then
            elapsed "$t0" >"$mark"
        fi
    done
}

# Runs one configuration; prints "CONFIG TO_INIT TO_EXIT OUTCOME".
boot() {
    local config=$1 log=$TMP/$1.log mark=$TMP/$1.init
    local -a cmd
    mapfile -t cmd < <(command_of "$config")
    [ ${#cmd[@]} -gt 0 ] || exit 1      # command_of has said why
    : >"$mark"
    local t0=$EPOCHREALTIME status
    set +e
    timeout -k 5 "$TIMEOUT" "${cmd[@]}" </dev/null 2>&1 | read_console "$log" "$mark" "$t0"
    status=${PIPESTATUS[0]}
    set -e
    local to_exit to_init
    to_exit=$(elapsed "$t0")
    to_init=$(cat "$mark"); [ -n "$to_init" ] || to_init=-
    local outcome
    if [ "$status" = 124 ] || [ "$status" = 137 ]; then
        outcome=timeout; to_exit=">$TIMEOUT"
    elif [ "$status" != 0 ]; then
        outcome="qemu-exit-$status"
    elif ! grep -q '^epapr-lab-init: power-off' "$log"; then
        outcome="exit-without-power-off"
    elif grep -q '^epapr-lab-init: self-check PASS' "$log"; then
        outcome=power-off
    else
        outcome=self-check-failed
    fi
    if [ -n "$RECORD" ]; then
        mkdir -p "$RECORD"
        cp "$log" "$RECORD/$config.log"
        printf '%s\n' "${cmd[*]}" | sed "s|$TMP/|<tmp>/|g; s|$HERE/||g" >"$RECORD/$config.cmd"
    fi
    local row; row=$(printf '%-10s %10s %10s  %s' "$config" "$to_init" "$to_exit" "$outcome")
    echo "$row"
    if [ -n "$RECORD" ]; then
        echo "$row  (load $(cut -d' ' -f1-3 /proc/loadavg))" >"$RECORD/$config.time"
    fi
}

# Seconds since $1 (an EPOCHREALTIME value), with millisecond precision.
elapsed() {
    local now=$EPOCHREALTIME
    local us=$(( (${now%.*} - ${1%.*}) * 1000000 + 10#${now#*.} - 10#${1#*.} ))
    printf '%d.%03d' $((us / 1000000)) $((us % 1000000 / 1000))
}

header=$(printf '%-10s %10s %10s  %s' config "to-init/s" "to-exit/s" outcome)
qemu_version=$(qemu-system-ppc --version | head -1 | sed 's/.*version //')
echo "# QEMU $qemu_version, timeout ${TIMEOUT} s, $(nproc) host CPUs"
echo "$header"
for config in "${CONFIGS[@]}"; do boot "$config"; done
if [ -n "$RECORD" ]; then
    # times.txt: the last recorded run of every configuration.
    {
        echo "# QEMU $qemu_version, timeout ${TIMEOUT} s, $(nproc) host CPUs shared with other work"
        echo "$header"
        for config in e500mc-1 e500mc-2 e5500-1 e5500-2; do
            [ ! -f "$RECORD/$config.time" ] || cat "$RECORD/$config.time"
        done
    } >"$RECORD/times.txt"
fi
