#!/bin/bash
# Boot time to our /init, epapr-lab (ppce500 board) and QEMU side by side, on the same files.
#
#   sample-vms/linux-boot-time.sh [CONFIG...]      CONFIG: e500mc-1 (default), e500mc-2, e5500-1, e5500-2
#
# Each column is the wall time from starting the process (bin/epapr-lab run, or
# qemu-system-ppc(64) through linux/qemu-boot.sh) to the console line "epapr-lab-init: start",
# so both include their start-up (JVM and build check for epapr-lab). "-" means the line did not
# come within BOOT_TIMEOUT seconds (default 300 for epapr-lab; QEMU_TIMEOUT, default 30, for QEMU).
# Below the table, a comment line per configuration gives epapr-lab's CPU seconds at that line
# (all threads, the vCPU dispatcher's, the JIT compilers'), read from /proc: on a shared machine
# they say more than the wall time.
# EPAPR_LAB names another epapr-lab command (the tests give the one of their build).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
MARKER='epapr-lab-init: start'
TIMEOUT=${BOOT_TIMEOUT:-300}
CONFIGS=("$@")
[ ${#CONFIGS[@]} -gt 0 ] || CONFIGS=(e500mc-1)

die() { echo "linux-boot-time.sh: $*" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Seconds since $1 (an EPOCHREALTIME value), with millisecond precision.
elapsed() {
    local now=$EPOCHREALTIME
    local us=$(( (${now%.*} - ${1%.*}) * 1000000 + 10#${now#*.} - 10#${1#*.} ))
    printf '%d.%03d' $((us / 1000000)) $((us % 1000000 / 1000))
}

# The CPU seconds of process $1's threads, as "cpu-s=<all> vcpu-s=<vCPU dispatcher> jit-s=<C2+C1>
# (C2 <s>, C1 <s>)"; thread names are cut to 15 characters in comm ("epapr-lab-epapr" is the
# dispatcher epapr-lab.vcpu-dispatcher, "C2 CompilerThre" a C2 thread).
cpu_split() {
    local t comm stat
    for t in /proc/"$1"/task/*; do
        comm=$(cat "$t/comm" 2>/dev/null) && stat=$(cat "$t/stat" 2>/dev/null) || continue
        echo "${comm// /_} ${stat##*) }"
    done | awk -v hz="$(getconf CLK_TCK)" '
        { s = ($13 + $14) / hz; all += s }
        $1 == "epapr-lab-epapr" { vcpu += s }
        $1 ~ /^C2_Compiler/ { c2 += s }
        $1 ~ /^C1_Compiler/ { c1 += s }
        END { printf "cpu-s=%.2f vcpu-s=%.2f jit-s=%.2f (C2 %.2f, C1 %.2f)", all, vcpu, c1 + c2, c2, c1 }'
}

# Wall seconds from starting epapr-lab to /init's first line for CONFIG $1, or "-".
ours() {
    local cpu=${1%-*} smp=${1#*-} conf=$TMP/$1.conf
    case $cpu in e500mc|e5500) ;; *) die "unknown configuration $1 (e500mc-N or e5500-N)" ;; esac
    case $smp in [1-9]) ;; *) die "bad vCPU count in $1" ;; esac
    printf 'lab {\n  name = boot-time\n  vms = [ { file = "%s", name = %s, vcpus = %s } ]\n}\n' \
        "$HERE/linux-$cpu.conf" "$1" "$smp" >"$conf"
    local t0=$EPOCHREALTIME line result=-
    exec 3< <(exec timeout -k 5 "$TIMEOUT" "${EPAPR_LAB:-$TOP/bin/epapr-lab}" run "$conf" --console all --progress off 2>&1)
    local pid=$!
    while IFS= read -r line <&3; do
        if [[ $line == "[$1] $MARKER"* ]]; then
            result=$(elapsed "$t0")
            local java
            java=$(pgrep -P "$pid" | head -1) && echo "# $1 $(cpu_split "$java")" >>"$TMP/cpu"
            break
        fi
    done
    kill "$pid" 2>/dev/null || true
    pkill -P "$pid" 2>/dev/null || true
    exec 3<&-
    echo "$result"
}

# QEMU's time for CONFIG $1 from linux/qemu-boot.sh's table, or "-".
qemu() {
    "$HERE/linux/qemu-boot.sh" "$1" | awk -v c="$1" '$1 == c { print $2 }'
}

echo "# time to the first line of /init (s), wall clock from process start; $(nproc) host CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-10s %12s %12s\n' config epapr-lab qemu
for c in "${CONFIGS[@]}"; do
    printf '%-10s %12s %12s\n' "$c" "$(ours "$c")" "$(qemu "$c")"
done
[ ! -f "$TMP/cpu" ] || cat "$TMP/cpu"
