#!/usr/bin/env bash
# bench/startup.sh [RUNS] [LAUNCHER]
#   Start-up time of Sluice to "ready": from the launcher's exec to the first 200 of /v3/health/ready
#   (every enabled listener bound), with the AOT cache (SLUICE_AOT=on: the JVM refuses to start without
#   it) and without it (SLUICE_AOT=off), alternating, RUNS times each; then the medians.
#   The configuration is the default one's listeners (RTSP, RTMP, SRT, WebRTC, API, metrics) on free
#   loopback ports. The cache is recorded first (LAUNCHER aot) when missing, outside the timing.
# Args:  RUNS (default 5), LAUNCHER (default ./sluice; the tarball's launcher works too)
# Env:   SLUICE_JAVA_OPTS (passed on; a different value records its own cache)
#   cpu_ms: the JVM's CPU time (user + sys) up to that moment, which a loaded machine disturbs less.
# Prints: STARTUP aot=on|off run=N ready_ms= cpu_ms=  then  STARTUP_MEDIAN aot=on|off runs= ready_ms= cpu_ms=
set -u
RUNS=${1:-5}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LAUNCHER=${2:-$REPO/sluice}
bench_workdir startup
[ "$LAUNCHER" = "$REPO/sluice" ] && { build_sluice || { echo "build failed" >&2; exit 1; }; }
"$LAUNCHER" aot >&2 || { echo "could not record the AOT cache" >&2; exit 1; }

# one_start AOT RUN : prints one STARTUP line
one_start() {
  local mode=$1 i=$2 rt api u t0 t1 sp jp cpu
  read -r rt api < <(free_ports 2); u=$(free_udp_pair)
  { sluice_listeners "$rt" "$u" | sed "s/^apiAddress: .*/apiAddress: 127.0.0.1:$api/"; } \
    > "$W/s-$mode-$i.yml"
  t0=$(date +%s%N)
  SLUICE_AOT=$mode timeout -k 5 300 "$LAUNCHER" "$W/s-$mode-$i.yml" > "$W/s-$mode-$i.log" 2>&1 & sp=$!
  jp=$(java_pid_of "$sp")
  until curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$api/v3/health/ready"; do
    kill -0 "$sp" 2>/dev/null || { echo "NOTE run=$i aot=$mode: exited: $(tail -3 "$W/s-$mode-$i.log")"; return; }
    sleep 0.01
  done
  t1=$(date +%s%N); cpu=$(cpu_ticks "$jp")
  kill_tree "$sp"; wait "$sp" 2>/dev/null
  echo "STARTUP aot=$mode run=$i ready_ms=$(( (t1 - t0) / 1000000 )) cpu_ms=$((cpu * 1000 / CLK_TCK))" | tee -a "$W/results"
}
for i in $(seq 1 "$RUNS"); do
  one_start on "$i"
  one_start off "$i"
done
for mode in on off; do
  n=$(grep -c "aot=$mode " "$W/results")
  echo "STARTUP_MEDIAN aot=$mode runs=$n ready_ms=$(grep "aot=$mode " "$W/results" | sed 's/.*ready_ms=\([0-9]*\).*/\1/' | median)" \
    "cpu_ms=$(grep "aot=$mode " "$W/results" | sed 's/.*cpu_ms=//' | median)"
done
