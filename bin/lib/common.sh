# Shared by bin/epapr-lab and bin/test: find JDK 25, install Debian packages that are missing.
# Sourced, not run.

# The launcher's own failures exit with 5: 2 is the CLI's code for a bad command line or config.
EPAPR_LAB_LAUNCHER_FAILED=5
die() { echo "epapr-lab: $*" >&2; exit "$EPAPR_LAB_LAUNCHER_FAILED"; }

# Major version of a java binary ("25"), or empty.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1
}

# Sets JAVA_HOME to a JDK 25 or newer: $JAVA_HOME if it is one, else the newest under
# $EPAPR_LAB_JVM_DIR (default /usr/lib/jvm).
find_jdk25() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    local v; v=$(java_major "$JAVA_HOME/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then export JAVA_HOME; return; fi
  fi
  local jvms=${EPAPR_LAB_JVM_DIR:-/usr/lib/jvm}
  local best="" best_v=0 d v
  for d in "$jvms"/*/; do
    d=${d%/}
    [ -x "$d/bin/javac" ] || continue
    v=$(java_major "$d/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
  done
  [ -n "$best" ] || die "no JDK 25 found: set JAVA_HOME to one, or install one under $jvms (e.g. Temurin 25)"
  export JAVA_HOME=$best
}

# ensure_packages WHY CMD:PACKAGE ... — installs the Debian package of every command (or, when
# CMD starts with /, every file) that is missing, after saying which packages and why. EPAPR_LAB_NO_INSTALL=1 refuses: the launcher then
# fails (exit 5) with the apt-get command to run by hand.
ensure_packages() {
  local why=$1; shift
  local missing=() pair
  for pair in "$@"; do
    local what=${pair%%:*}
    if [ "${what#/}" != "$what" ]; then
      [ -e "$what" ] || missing+=("${pair#*:}")
    else
      command -v "$what" >/dev/null 2>&1 || missing+=("${pair#*:}")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local cmd="apt-get install -y ${missing[*]}"
  if [ "${EPAPR_LAB_NO_INSTALL:-0}" = 1 ]; then
    die "missing Debian packages: ${missing[*]} ($why); EPAPR_LAB_NO_INSTALL=1 forbids installing them: run \`$cmd\` as root, then try again"
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "missing Debian packages: ${missing[*]} ($why); run \`$cmd\` as root"
    sudo="sudo "
  fi
  echo "epapr-lab: installing missing Debian packages: ${missing[*]}" >&2
  echo "epapr-lab:   why: $why" >&2
  echo "epapr-lab:   running: ${sudo}apt-get update && ${sudo}$cmd (set EPAPR_LAB_NO_INSTALL=1 to refuse)" >&2
  ${sudo}apt-get update -qq >&2 || die "apt-get update failed"
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive ${sudo}apt-get install -y -qq "${missing[@]}" >&2 \
    || die "could not install: ${missing[*]} (run \`$cmd\` as root)"
}

# Maven itself warns about sun.misc.Unsafe on JDK 24+ (its Guava); keep that off the console.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
