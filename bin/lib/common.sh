# Shared by bin/epapr-lab and bin/test: find JDK 25, install Debian packages that are missing.
# Sourced, not run.

die() { echo "epapr-lab: $*" >&2; exit 2; }

# Major version of a java binary ("25"), or empty.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1
}

# Sets JAVA_HOME to a JDK 25 or newer: $JAVA_HOME if it is one, else the newest under /usr/lib/jvm.
find_jdk25() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    local v; v=$(java_major "$JAVA_HOME/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then export JAVA_HOME; return; fi
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*/; do
    d=${d%/}
    [ -x "$d/bin/javac" ] || continue
    v=$(java_major "$d/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
  done
  [ -n "$best" ] || die "no JDK 25 found: set JAVA_HOME to one, or install one under /usr/lib/jvm (e.g. Temurin 25)"
  export JAVA_HOME=$best
}

# ensure_packages CMD:PACKAGE ... — installs the Debian package of every command that is missing.
ensure_packages() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "missing Debian packages: ${missing[*]} (run as root or install them: apt-get install ${missing[*]})"
    sudo="sudo"
  fi
  echo "epapr-lab: installing missing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2 \
    || die "could not install: ${missing[*]}"
}

# Maven itself warns about sun.misc.Unsafe on JDK 24+ (its Guava); keep that off the console.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
