#!/usr/bin/env bash
# pls: run the plasmite CLI straight from this source tree, (re)building it when needed.
#
# Install by symlinking, under either name:
#   ln -s "$PWD/pls" ~/.local/bin/pls
#   ln -s "$PWD/pls" ~/.local/bin/plasmite
#
# Environment:
#   JAVA_HOME       tried first when looking for a JDK >= 25 (then /usr/lib/jvm/*, then PATH)
#   PLS_JVM_DIR     where installed JDKs live instead of /usr/lib/jvm (tests point it elsewhere)
#   PLS_MAIN_CLASS  the class to run instead of io.plasmite.cli.Main, on the same class path
#                   (./pls-conformance sets it to io.plasmite.cli.conformance.ConformanceMain)
#   PLS_AOT         0 to run without the ahead-of-time cache (see below)
set -euo pipefail

min_java=25
# Start-up time matters (a `pls fetch` is ~100 ms in all): the common path below forks one
# process (find) before the JVM; everything else uses shell builtins.
# The name it was called by, for messages ("pls: ..." or "plasmite: ...").
me=${0##*/}
# The real script, so that a symlink from anywhere still finds the repository.
src=${BASH_SOURCE[0]}
while [[ -L $src ]]; do
  link=$(readlink -- "$src")
  if [[ $link == /* ]]; then src=$link; else src=${src%/*}/$link; fi
done
if [[ $src == */* ]]; then root=${src%/*}; else root=.; fi
# Its physical path, the same however it was called (the cache below is keyed on the class path).
here=$PWD
CDPATH='' cd -P -- "$root" >/dev/null
root=$PWD
CDPATH='' cd -- "$here" >/dev/null
target="$root/plasmite-cli/target"
# Written after each successful build; sources newer than it mean the build is stale. (The jar
# itself is no good as the reference: Maven leaves it untouched when only plasmite-core changed.)
stamp="$target/.pls-built"

die() {
  printf '%s: %s\n' "$me" "$*" >&2
  exit 1
}

# Sets major to the major version of the JDK at $1 (8 for 1.8.0_x), or to nothing if it is not
# a JDK.
java_major() {
  local home=$1 version='' line
  major=''
  [[ -x $home/bin/java ]] || return 0
  if [[ -r $home/release ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
      case $line in
        JAVA_VERSION=*)
          version=${line#JAVA_VERSION=\"}
          version=${version%%\"*}
          break
          ;;
      esac
    done <"$home/release"
  fi
  if [[ -z $version ]]; then
    version=$("$home/bin/java" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')
  fi
  version=${version#1.}
  version=${version%%[!0-9]*}
  major=$version
  return 0
}

# Sets java_home to a JDK >= $min_java: $JAVA_HOME if it is one, else the newest under
# $PLS_JVM_DIR (default /usr/lib/jvm), else the one running `java` on PATH belongs to.
find_jdk() {
  local dir major best=0 found=() list=none
  java_home=''
  if [[ -n ${JAVA_HOME:-} ]]; then
    java_major "$JAVA_HOME"
    if [[ -n $major ]]; then
      found+=("$JAVA_HOME ($major)")
      if ((major >= min_java)); then
        java_home=$JAVA_HOME
        return 0
      fi
    fi
  fi
  # Aliases (java-1.17.0-openjdk-amd64 -> java-17-openjdk-amd64) are taken as they are: any name
  # of the newest JDK will do.
  for dir in "${PLS_JVM_DIR:-/usr/lib/jvm}"/*; do
    [[ -d $dir ]] || continue
    java_major "$dir"
    [[ -n $major ]] || continue
    found+=("$dir ($major)")
    if ((major >= min_java && major > best)); then
      java_home=$dir
      best=$major
    fi
  done
  if [[ -z $java_home ]] && command -v java >/dev/null 2>&1; then
    dir=$(readlink -f -- "$(command -v java)")
    dir=${dir%/bin/java}
    java_major "$dir"
    if [[ -n $major ]]; then
      found+=("$dir ($major)")
      if ((major >= min_java)); then
        java_home=$dir
      fi
    fi
  fi
  [[ -n $java_home ]] && return 0

  if ((${#found[@]} > 0)); then
    list=$(printf '%s, ' "${found[@]}")
    list=${list%, }
  fi
  die "plasmite needs JDK $min_java or newer; JDKs found: $list." \
    "Install JDK $min_java+ (e.g. Temurin) under /usr/lib/jvm, or set JAVA_HOME to one."
}

# Sets jar to the CLI jar, or to nothing when it has not been built.
cli_jar() {
  local candidate
  jar=''
  for candidate in "$target"/plasmite-cli-*.jar; do
    case $candidate in *-sources.jar | *-javadoc.jar | *-tests.jar) continue ;; esac
    if [[ -f $candidate ]]; then
      jar=$candidate
      return 0
    fi
  done
  return 0
}

# Sets reason to why a build is needed, or to nothing when the built CLI is current.
stale_reason() {
  reason=''
  cli_jar
  if [[ ! -f $stamp || -z $jar ]]; then
    reason='first run'
    return 0
  fi
  local newer
  newer=$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/*/src/main -newer "$stamp" -print -quit 2>/dev/null || true)
  [[ -z $newer ]] || reason='sources changed'
  return 0
}

build() {
  local reason=$1 next="$stamp.next"
  printf '%s: building (%s)...\n' "$me" "$reason" >&2
  # Mark the start: a source edited while Maven runs is newer than the stamp and triggers the next
  # build. Stale jars in lib/ (after a dependency upgrade) would shadow the new ones; drop them.
  touch "$next"
  rm -rf "$target/lib"
  # Maven's output is kept out of stdout, which belongs to the CLI (often JSON), and shown only
  # when the build fails. Tests are neither compiled nor run (maven.test.skip): the launcher
  # needs only the main code, and a test being edited elsewhere in the tree must not stop it.
  local log="$target/pls-build.log"
  if ! (cd "$root" && mvn -B -q -Dmaven.test.skip=true -Dspotless.check.skip=true \
    -pl plasmite-cli -am package) >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$next"
    die "build failed (log: $log); fix the errors above, then run $me again."
  fi
  mv -f "$next" "$stamp"
  # The old ahead-of-time cache no longer matches the jars; the next run makes a new one.
  rm -f "$target/pls.aot" "$target/pls.aot.key"
}

find_jdk

stale_reason
if [[ -n $reason ]]; then
  mkdir -p "$target"
  if command -v flock >/dev/null 2>&1; then
    # One build at a time; whoever waited re-checks, since the build it waited for may suffice.
    exec 9>"$target/.pls-build.lock"
    flock 9
    stale_reason
    [[ -z $reason ]] || build "$reason"
    exec 9>&-
  else
    build "$reason"
  fi
fi

cli_jar
[[ -n $jar ]] || die "the build produced no jar in $target"

# An explicit class path in a fixed order: the ahead-of-time cache below is valid only for the
# class path it was made with, and a wildcard's expansion order is the directory's. The jars a
# run needs come first: a class the cache lacks is searched jar by jar, and opening the large
# ones (jq's regex tables) would cost tens of milliseconds.
cp=$jar
for lib in "$target"/lib/plasmite-core-*.jar "$target"/lib/picocli-*.jar "$target"/lib/jackson-core-*.jar; do
  [[ -f $lib ]] && cp+=":$lib"
done
for lib in "$target"/lib/*.jar; do
  case $lib in */plasmite-core-*.jar | */picocli-*.jar | */jackson-core-*.jar) continue ;; esac
  [[ -f $lib ]] && cp+=":$lib"
done

# Most runs last well under a second, so start-up dominates: the serial collector starts no GC
# threads, and stopping at the C1 compiler skips C2 work a short run never pays back. The verbs
# that stream (feed, follow, duplex, tap) may run long and keep the optimising compiler: feeding
# a large file is about twice as fast with it.
# The engine calls flock, posix_fallocate and futex through java.lang.foreign: without
# --enable-native-access the JDK prints a warning on stderr.
verb=''
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case ${args[i]} in
    --dir | --color) ((i++)) || true ;;
    --dir=* | --color=*) ;;
    *)
      verb=${args[i]}
      break
      ;;
  esac
done
# The quickest verbs do so little that compiling costs more than interpreting (measured for
# fetch: about a quarter less CPU with -Xint). No performance-data file either.
jvm_opts=(-XX:+UseSerialGC -XX:-UsePerfData --enable-native-access=ALL-UNNAMED)
case $verb in
  feed | follow | duplex | tap) ;;
  # Long-running servers: the default collector and the full JIT.
  serve | mcp) jvm_opts=(-XX:-UsePerfData --enable-native-access=ALL-UNNAMED) ;;
  fetch | version | pool) jvm_opts+=(-Xint) ;;
  *) jvm_opts+=(-XX:TieredStopAtLevel=1) ;;
esac

# The ahead-of-time cache (JEP 483/514, JDK 25): classes of a typical run loaded, linked and
# profiled in advance, made by a training run (io.plasmite.cli.Train) after each build. It is used
# only while it is current (made for this JDK and class path, newer than every jar and the JDK);
# otherwise this run goes without it and a new cache is made in the background. A cache the JVM cannot use is ignored
# (-XX:AOTMode=auto), and its complaints are silenced: nothing may reach stderr but the CLI's own.
aot="$target/pls.aot"
aot_current() {
  local made_for_jdk='' made_for_cp='' entry entries
  [[ -f $aot && -r $aot.key ]] || return 1
  { IFS= read -r made_for_jdk && IFS= read -r made_for_cp; } <"$aot.key" || return 1
  [[ $made_for_jdk == "$java_home" && $made_for_cp == "$cp" ]] || return 1
  IFS=: read -r -a entries <<<"$cp"
  for entry in "${entries[@]}" "$java_home/release"; do
    [[ $aot -nt $entry ]] || return 1
  done
  return 0
}
make_aot() {
  local tmp="$aot.$$.tmp"
  "$java_home/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 --enable-native-access=ALL-UNNAMED \
    -XX:AOTCacheOutput="$tmp" -Xlog:disable -Xlog:all=off \
    -cp "$cp" io.plasmite.cli.Train >/dev/null 2>&1 </dev/null &&
    [[ -s $tmp ]] && printf '%s\n' "$java_home" "$cp" >"$tmp.key" && mv -f "$tmp" "$aot" && mv -f "$tmp.key" "$aot.key"
  rm -f "$tmp" "$tmp.key" "$tmp.config"
  return 0
}
aot_opts=()
if [[ ${PLS_AOT:-1} != 0 ]]; then
  if aot_current; then
    aot_opts=(-XX:AOTCache="$aot" -XX:AOTMode=auto -Xlog:aot=off -Xlog:cds=off)
  elif command -v flock >/dev/null 2>&1; then
    # One maker at a time, detached: this run does not wait for it.
    (
      exec 8>"$target/.pls-aot.lock"
      flock -n 8 || exit 0
      make_aot
    ) </dev/null >/dev/null 2>&1 &
    disown 2>/dev/null || true
  fi
fi

# PLS_MAIN_CLASS is not passed on: a `pls` the program starts (PLASMITE_BIN=./pls in a conformance
# run) must be the CLI again.
main_class=${PLS_MAIN_CLASS:-io.plasmite.cli.Main}
unset PLS_MAIN_CLASS
exec "$java_home/bin/java" "${jvm_opts[@]}" "${aot_opts[@]}" -cp "$cp" "$main_class" "$@"
