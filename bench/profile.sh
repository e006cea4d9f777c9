#!/usr/bin/env bash
# bench/profile.sh — profiles Sluice with async-profiler (Maven Central tools.profiler:async-profiler 4.1) and
# writes, per profiled JVM and mode, a flame graph (HTML), the collapsed stacks (text) and the top frames.
#
#   bench/profile.sh MODES [options] -- COMMAND [ARGS...]   profile every Sluice COMMAND starts (a bench):
#       the agent rides in SLUICE_JAVA_OPTS (-agentpath:...), which ./sluice passes to java
#   bench/profile.sh MODES [options] --pid PID [SECONDS]    attach to a running JVM (jcmd JVMTI.agent_load) for
#       SECONDS (default 30), then stop
#
# MODES: cpu | wall | alloc | lock, or several joined by commas (cpu,alloc,lock; wall replaces cpu) recorded
# in one run. Options:
#   --out DIR        where the results go (default target/profile/MODES-YYYYmmdd-HHMMSS of the checkout
#                    the command runs in)
#   --interval N     cpu/wall sampling interval (async-profiler syntax, default 1ms for cpu, 5ms for wall)
#   --alloc BYTES    allocation sampling interval (default 512k)
#   --lock DURATION  lock contention threshold (default 10us)
#   --threads        split the flame graphs by thread
#   --top N          how many top frames to print (default 20)
#   --include RE     keep only stacks with a frame matching RE (e.g. 'io/sluice'); --exclude RE drops them
#
# In the COMMAND form the agent writes a JFR chunk every LOOP_S (default 5) seconds, so a JVM that a bench
# stops with SIGKILL still leaves all but its last chunk; the chunks of one JVM are merged when converted.
# The native library is extracted from the jar into target/async-profiler/ (never committed).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -x "$JAVA_HOME/bin/java" ] || JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
AP_VERSION=4.1
M2=${M2_REPO:-$HOME/.m2/repository}/tools/profiler

usage() { sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage
MODES=$1; shift
OUT= INTERVAL= ALLOC=512k LOCK=10us THREADS= TOP=20 PID= SECONDS_=30 INCLUDE= EXCLUDE=
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=$2; shift 2;;
    --interval) INTERVAL=$2; shift 2;;
    --alloc) ALLOC=$2; shift 2;;
    --lock) LOCK=$2; shift 2;;
    --threads) THREADS=1; shift;;
    --top) TOP=$2; shift 2;;
    --include) INCLUDE=$2; shift 2;;
    --exclude) EXCLUDE=$2; shift 2;;
    --pid) PID=$2; shift 2
           if [[ ${1:-} =~ ^[0-9]+$ ]]; then SECONDS_=$1; shift; fi;;
    --) shift; break;;
    -h|--help) usage;;
    *) echo "profile.sh: unknown option '$1'" >&2; usage;;
  esac
done
[ -n "$PID" ] || [ $# -gt 0 ] || { echo "profile.sh: give either -- COMMAND or --pid PID" >&2; usage; }

# the agent's event options for MODES, and the jfrconv views to write
EVENT= EXTRA= VIEWS=()
IFS=, read -r -a mode_list <<< "$MODES"
for m in "${mode_list[@]}"; do
  case "$m" in
    cpu) EVENT="event=cpu,interval=${INTERVAL:-1ms}"; VIEWS+=(cpu);;
    wall) EVENT="event=wall,interval=${INTERVAL:-5ms}"; VIEWS+=(wall);;
    alloc) EXTRA+=",alloc=$ALLOC"; VIEWS+=(alloc);;
    lock) EXTRA+=",lock=$LOCK"; VIEWS+=(lock);;
    *) echo "profile.sh: mode must be cpu, wall, alloc or lock, not '$m'" >&2; exit 2;;
  esac
done
[ -n "$EVENT" ] || EXTRA=${EXTRA#,}   # alloc / lock alone: no execution sampling
AGENT_OPTS="$EVENT$EXTRA"

# results under the checkout the command runs in (another worktree may call this script), else this one's
base=$REPO; [ -f "$PWD/pom.xml" ] && base=$PWD
OUT=${OUT:-$base/target/profile/${MODES//,/+}-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# the native library and the converter, fetched into ~/.m2 once (offline first), the library extracted once
ap_jar=$M2/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar
conv_jar=$M2/jfr-converter/$AP_VERSION/jfr-converter-$AP_VERSION.jar
fetch() {
  [ -s "$2" ] && return 0
  (cd "$REPO" && JAVA_HOME=$JAVA_HOME timeout 300 mvn -B -q dependency:get -Dartifact="$1" >/dev/null 2>&1) \
    || { echo "profile.sh: cannot fetch $1 (mvn dependency:get)" >&2; exit 1; }
}
fetch "tools.profiler:async-profiler:$AP_VERSION" "$ap_jar"
fetch "tools.profiler:jfr-converter:$AP_VERSION" "$conv_jar"
LIB=$REPO/target/async-profiler/$AP_VERSION/linux-x64/libasyncProfiler.so
if [ ! -s "$LIB" ]; then
  mkdir -p "$REPO/target/async-profiler/$AP_VERSION"
  (cd "$REPO/target/async-profiler/$AP_VERSION" && unzip -q -o "$ap_jar" 'linux-x64/libasyncProfiler.so')
fi

# agent_load PID OPTIONS : loads the agent into a running JVM through the attach API (jcmd JVMTI.agent_load
# cannot pass async-profiler's options: it reads "a=b" as its own named arguments). A single-file Java program.
agent_load() {
  local src=$REPO/target/async-profiler/AgentLoad.java
  [ -s "$src" ] || cat > "$src" <<'JAVA'
public class AgentLoad {
    public static void main(String[] a) throws Exception {
        var vm = com.sun.tools.attach.VirtualMachine.attach(a[0]);
        try { vm.loadAgentPath(a[1], a[2]); } finally { vm.detach(); }
    }
}
JAVA
  "$JAVA_HOME/bin/java" "$src" "$1" "$LIB" "$2"
}

if [ -n "$PID" ]; then
  [ -d "/proc/$PID" ] || { echo "profile.sh: no process $PID" >&2; exit 1; }
  jfr="$OUT/profile-$PID.jfr"
  agent_load "$PID" "start,$AGENT_OPTS,jfr,file=$jfr" || { echo "profile.sh: could not load the agent into $PID" >&2; exit 1; }
  echo "profile.sh: profiling $PID ($MODES) for ${SECONDS_} s" >&2
  sleep "$SECONDS_"
  agent_load "$PID" stop || echo "profile.sh: could not stop the profiler in $PID (did it exit?)" >&2
  rc=0
else
  # %p: one set of chunks per JVM (a bench may start several Sluices); %t: one file per loop chunk
  export SLUICE_JAVA_OPTS="${SLUICE_JAVA_OPTS:-} -agentpath:$LIB=start,$AGENT_OPTS,jfr,loop=${LOOP_S:-5}s,file=$OUT/profile-%p-%t.jfr"
  echo "profile.sh: SLUICE_JAVA_OPTS=$SLUICE_JAVA_OPTS" >&2
  set +e; "$@"; rc=$?; set -e
fi

# top_frames FILE UNIT : the TOP frames of a collapsed-stacks file by self weight, then the innermost io.sluice
# frame of each stack by weight (mawk has no sorted arrays: sort does the ordering)
top_frames() {
  local total
  total=$(awk '{ t += $NF } END { printf "%.0f\n", t }' "$1")
  [ "$total" != 0 ] || { echo "  (no samples)"; return; }
  echo "  total $total $2; top frames by self $2:"
  awk '{ w = $NF; $NF = ""; sub(/ $/, ""); n = split($0, f, ";"); self[f[n]] += w }
       END { for (x in self) printf "%.0f\t%s\n", self[x], x }' "$1" |
    sort -t$'\t' -k1,1nr | sed -n "1,${TOP}p" | awk -F'\t' -v t="$total" '{ printf "  %6.2f%%  %s\n", 100 * $1 / t, $2 }'
  echo "  top io.sluice frames (innermost on the stack):"
  awk '{ w = $NF; $NF = ""; sub(/ $/, ""); n = split($0, f, ";")
         s = "(no io.sluice frame)"; for (i = n; i >= 1; i--) if (f[i] ~ /io[.\/]sluice/) { s = f[i]; break }
         ours[s] += w }
       END { for (x in ours) printf "%.0f\t%s\n", ours[x], x }' "$1" |
    sort -t$'\t' -k1,1nr | sed -n "1,${TOP}p" | awk -F'\t' -v t="$total" '{ printf "  %6.2f%%  %s\n", 100 * $1 / t, $2 }'
}

# one conversion per JVM and view: the flame graph, the collapsed stacks, and the top frames by self samples
conv_opts=()
[ -n "$THREADS" ] && conv_opts+=(--threads)
[ -n "$INCLUDE" ] && conv_opts+=(--include "$INCLUDE")
[ -n "$EXCLUDE" ] && conv_opts+=(--exclude "$EXCLUDE")
shopt -s nullglob
pids=$(for f in "$OUT"/profile-*.jfr; do b=${f##*/profile-}; echo "${b%%[-.]*}"; done | sort -u)
[ -n "$pids" ] || { echo "profile.sh: no profile was written to $OUT (did the command start ./sluice?)" >&2; exit 1; }
for p in $pids; do
  chunks=()
  for f in "$OUT"/profile-"$p"-*.jfr "$OUT/profile-$p.jfr"; do [ -s "$f" ] && chunks+=("$f"); done
  [ ${#chunks[@]} -gt 0 ] || continue
  for v in "${VIEWS[@]}"; do
    base="$OUT/$v-$p"
    view_opts=(--"$v"); [ "$v" = alloc ] || [ "$v" = lock ] && view_opts+=(--total)   # bytes / ns, not samples
    "$JAVA_HOME/bin/java" -jar "$conv_jar" "${view_opts[@]}" "${conv_opts[@]}" --title "Sluice $v, pid $p" \
      -o html "${chunks[@]}" "$base.html" >/dev/null 2>&1 || true
    "$JAVA_HOME/bin/java" -jar "$conv_jar" "${view_opts[@]}" "${conv_opts[@]}" -o collapsed "${chunks[@]}" "$base.collapsed" \
      >/dev/null 2>&1 || { echo "profile.sh: converting ${chunks[*]} ($v) failed" >&2; continue; }
    unit=samples; [ "$v" = alloc ] && unit=bytes; [ "$v" = lock ] && unit=ns
    echo "== $v, pid $p: $base.html"
    # self weight of each leaf frame, and of the innermost io.sluice frame of each stack (where our code is)
    top_frames "$base.collapsed" "$unit" | tee "$base.top.txt"
  done
done
echo "profile.sh: results in $OUT" >&2
exit "$rc"
