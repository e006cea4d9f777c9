#!/usr/bin/env bash
# bench/footprint.sh [STREAMS] [TARGETS]
#   Memory footprint of Sluice beside the anchors, in one run: RSS idle, per added stream and per added
#   forward target.
#   Sluice (./sluice, or SLUICE_CMD="java … io.sluice.Main": the config file is appended): paths live/s1..sN
#     with no targets; RSS IDLE_S (20) s after its listeners are up = idle; then N publishers (the cached 1 Mbit/s
#     H264 + AAC clip of the fan-out benches, `ffmpeg -re -stream_loop -1 -c copy -f rtsp` over TCP) and
#     SETTLE_S (15) s later RSS = streams; then T RTMP forwardTargets per path added through the Control
#     API, all to ONE nginx-rtmp sink (applications t1..tT, `live on`, no recording), and SETTLE_S s later
#     RSS = targets. per stream = (streams - idle) / N; per target = (targets - streams) / (N × T).
#   nginx-rtmp (the C anchor; single process like fanout-rtmp.sh): the same with RTMP publishers; a push
#     cannot be added at run time, so the target figure comes from a second nginx with T `push` lines.
#   ffmpeg (the copy-relay anchor): one `ffmpeg -c copy` relay is one stream, so per stream = the RSS of
#     a relay (RTSP listen in, RTMP out to the sink); per target = (RSS of a relay with a T-output tee
#     muxer - RSS of the 1-output relay) / (T - 1).
#   Every target session is checked at the sink (established sockets that received data).
#   Also: threads and PSS of the Sluice JVM at each step, and its heap (jcmd GC.heap_info) at the end.
# Env: IDLE_S=20 SETTLE_S=15 RELAYS="sluice nginx ffmpeg" VBITRATE=1M SLUICE_JAVA_OPTS (passed to ./sluice)
#      SLUICE_CMD BENCH_KEEP=dir
# Prints: FOOTPRINT relay= idle_mb= streams_mb= targets_mb= per_stream_mb= per_target_mb= threads_idle=
#   threads_streams= threads_targets= sessions= expected= ok=0|1 per relay, then a markdown table.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
NS=${1:-4}; NT=${2:-4}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
IDLE_S=${IDLE_S:-20}; SETTLE_S=${SETTLE_S:-15}; RELAYS=${RELAYS:-"sluice nginx ffmpeg"}; VBITRATE=${VBITRATE:-1M}
MOD=/usr/lib/nginx/modules/ngx_rtmp_module.so
[ -f "$MOD" ] || { echo "missing $MOD (apt-get install libnginx-mod-rtmp)" >&2; exit 2; }
[ "$NT" -ge 2 ] || { echo "footprint.sh: TARGETS must be at least 2 (the ffmpeg anchor's per-target figure)" >&2; exit 2; }
bench_workdir footprint
case " $RELAYS " in *" sluice "*) [ -n "${SLUICE_CMD:-}" ] || build_sluice || { echo "build failed" >&2; exit 1; };; esac
SRC=$(cached_source "$VBITRATE") || exit 1
DUR=$((IDLE_S + 3 * SETTLE_S + 360))   # + up to 5 min for a JVM start on a loaded machine

rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
threads_of() { awk '/^Threads:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# nginx_conf DIR PORT APPS : a single-process nginx-rtmp config in prefix DIR
nginx_conf() {
  mkdir -p "$1/logs"
  cat > "$1/nginx.conf" <<EOF
load_module $MOD;
daemon off;
master_process off;
worker_processes 1;
user root;
pid $1/nginx.pid;
error_log $1/logs/error.log info;
events { worker_connections 4096; }
rtmp { server { listen 127.0.0.1:$2; chunk_size 4096;
$3
} }
EOF
  nginx -t -q -p "$1" -e "$1/logs/error.log" -c "$1/nginx.conf" || { cat "$1/logs/error.log" >&2; return 1; }
}
# start_nginx DIR PORT APPS -> sets NGX to the nginx pid (a child of timeout)
start_nginx() {
  nginx_conf "$1" "$2" "$3" || return 1
  timeout -k 3 "$DUR" nginx -p "$1" -e "$1/logs/error.log" -c "$1/nginx.conf" > "$1/out.log" 2>&1 &
  PIDS+=($!); NGX=$(proc_pid_of $! nginx)
  wait_port "$2" || { echo "nginx in $1 did not start" >&2; return 1; }
}
# sink_sessions PORT -> established sockets at the sink that received at least one 1 s worth of data
sink_sessions() {
  ss -Htin state established "sport = :$1" 2>/dev/null |
    awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^bytes_received:/) { split($i, a, ":"); if (a[2] > 100000) n++ } } END { print n + 0 }'
}
publish() { # URL FORMAT... : one looping -c copy publisher
  local u=$1; shift
  timeout -k 2 "$DUR" ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop -1 -i "$SRC" -c copy "$@" "$u" \
    > /dev/null 2>&1 &
  PIDS+=($!)
}
report() { # relay idle streams targets t_idle t_streams t_targets sessions
  awk -v r="$1" -v i="$2" -v s="$3" -v t="$4" -v ti="$5" -v ts="$6" -v tt="$7" -v n="$8" -v ns="$NS" -v nt="$NT" 'BEGIN {
    # a step whose process was gone (RSS 0) or whose target sessions were not all there has no figure
    ok = (n == ns * nt && i > 0 && s > 0 && t > 0)
    ps = (i > 0 && s > 0) ? sprintf("%.2f", (s - i) / 1024 / ns) : "NA"
    pt = ok ? sprintf("%.2f", (t - s) / 1024 / (ns * nt)) : "NA"
    printf "FOOTPRINT relay=%s idle_mb=%.1f streams_mb=%.1f targets_mb=%.1f per_stream_mb=%s per_target_mb=%s threads_idle=%s threads_streams=%s threads_targets=%s sessions=%d expected=%d ok=%d\n",
      r, i / 1024, s / 1024, t / 1024, ps, pt, ti, ts, tt, n, ns * nt, ok }'
}

run_sluice() {
  local d=$W/sluice; mkdir -p "$d"
  local K RT API IN U apps="" s t; read -r K RT API IN < <(free_ports 4); U=$(free_udp_pair)
  for t in $(seq 1 "$NT"); do apps+="application t$t { live on; }"$'\n'; done
  start_nginx "$d/sink" "$K" "$apps" || return 1
  {
    echo "logLevel: info"; echo "rtspAddress: 127.0.0.1:$RT"; echo "rtpAddress: 127.0.0.1:$U"; echo "rtcpAddress: 127.0.0.1:$((U + 1))"
    echo "rtmpAddress: 127.0.0.1:$IN"; echo "apiAddress: 127.0.0.1:$API"
    for k in srtAddress webrtcAddress webrtcLocalUDPAddress metricsAddress; do echo "$k: 127.0.0.1:0"; done
    echo "paths:"
    for s in $(seq 1 "$NS"); do echo "  live/s$s:"; echo "    forwardTargets: []"; done
  } > "$d/sluice.yml"
  local t0; t0=$(date +%s)
  if [ -n "${SLUICE_CMD:-}" ]; then
    # shellcheck disable=SC2086 # a command line
    timeout -k 5 "$DUR" $SLUICE_CMD "$d/sluice.yml" > "$d/sluice.log" 2>&1 &
  else
    timeout -k 5 "$DUR" "$REPO/sluice" "$d/sluice.yml" > "$d/sluice.log" 2>&1 &
  fi
  local SP=$!; PIDS+=($SP); local JP; JP=$(java_pid_of "$SP"); JAVA_PIDS+=($JP)
  wait_port "$API" 300 && wait_port "$RT" 100 || { echo "sluice did not start: $(tail -3 "$d/sluice.log")" >&2; return 1; }
  # idle = IDLE_S after the listeners are up (a loaded machine can take 15 s to get there)
  echo "SLUICE_STEP up after $(( $(date +%s) - t0 )) s" >&2
  sleep "$IDLE_S"
  local r0 t0n; r0=$(rss_kb "$JP"); t0n=$(threads_of "$JP"); echo "SLUICE_STEP idle rss_kb=$r0 pss_kb=$(pss_kb "$JP") threads=$t0n" >&2
  "$JAVA_HOME/bin/jcmd" "$JP" GC.heap_info > "$d/heap-idle.txt" 2>&1
  for s in $(seq 1 "$NS"); do publish "rtsp://127.0.0.1:$RT/live/s$s" -f rtsp -rtsp_transport tcp; done
  sleep "$SETTLE_S"
  local r1 t1n; r1=$(rss_kb "$JP"); t1n=$(threads_of "$JP"); echo "SLUICE_STEP streams rss_kb=$r1 pss_kb=$(pss_kb "$JP") threads=$t1n" >&2
  for s in $(seq 1 "$NS"); do
    for t in $(seq 1 "$NT"); do
      curl -s -m 5 -X POST -H 'content-type: application/json' -d "{\"id\":\"t$t\",\"url\":\"rtmp://127.0.0.1:$K/t$t/s$s\"}" \
        "http://127.0.0.1:$API/v3/forwardtargets/add/live/s$s" > /dev/null || echo "adding target t$t to s$s failed" >&2
    done
  done
  sleep "$SETTLE_S"
  local r2 t2n; r2=$(rss_kb "$JP"); t2n=$(threads_of "$JP"); echo "SLUICE_STEP targets rss_kb=$r2 pss_kb=$(pss_kb "$JP") threads=$t2n" >&2
  local n; n=$(sink_sessions "$K")
  "$JAVA_HOME/bin/jcmd" "$JP" GC.heap_info > "$d/heap-targets.txt" 2>&1
  "$JAVA_HOME/bin/jcmd" "$JP" Thread.print > "$d/threads.txt" 2>&1
  echo "SLUICE_THREADS $(grep '^"' "$d/threads.txt" | cut -d'"' -f2 | sed 's/[0-9]\+/N/g' | sort | uniq -c | sort -rn |
    awk '{ c = $1; $1 = ""; printf "%s%s×%d", (NR > 1 ? ", " : ""), substr($0, 2), c }')" >&2
  report sluice "$r0" "$r1" "$r2" "$t0n" "$t1n" "$t2n" "$n"
  for p in "${PIDS[@]}"; do kill_tree "$p"; done; wait 2>/dev/null; PIDS=()
}

run_nginx() {
  local d=$W/nginx; mkdir -p "$d"
  local K IN IN2 apps="" push="" s t; read -r K IN IN2 < <(free_ports 3)
  for t in $(seq 1 "$NT"); do apps+="application t$t { live on; }"$'\n'; push+="push rtmp://127.0.0.1:$K/t$t;"$'\n'; done
  start_nginx "$d/sink" "$K" "$apps" || return 1
  start_nginx "$d/relay" "$IN" "application live { live on; }" || return 1; local R1=$NGX
  start_nginx "$d/relay-push" "$IN2" "application live { live on;
$push}" || return 1; local R2=$NGX
  sleep 3
  local r0; r0=$(rss_kb "$R1")
  for s in $(seq 1 "$NS"); do publish "rtmp://127.0.0.1:$IN/live/s$s" -f flv; publish "rtmp://127.0.0.1:$IN2/live/s$s" -f flv; done
  sleep "$SETTLE_S"
  local r1 r2 n; r1=$(rss_kb "$R1"); r2=$(rss_kb "$R2"); n=$(sink_sessions "$K")
  report nginx "$r0" "$r1" "$r2" 1 1 1 "$n"
  for p in "${PIDS[@]}"; do kill_tree "$p"; done; wait 2>/dev/null; PIDS=()
}

run_ffmpeg() {
  local d=$W/ffmpeg; mkdir -p "$d"
  local K P1 P2 apps="" tee="" t; read -r K P1 P2 < <(free_ports 3)
  for t in $(seq 1 "$NT"); do apps+="application t$t { live on; }"$'\n'; tee+="${tee:+|}[f=flv]rtmp://127.0.0.1:$K/t$t/s1"; done
  start_nginx "$d/sink" "$K" "$apps" || return 1
  timeout -k 2 "$DUR" ffmpeg -hide_banner -nostdin -loglevel error -rtsp_flags listen -i "rtsp://127.0.0.1:$P1/live/s1" \
    -c copy -f flv "rtmp://127.0.0.1:$K/t1/one" > "$d/relay1.log" 2>&1 & PIDS+=($!); local F1; F1=$(proc_pid_of $! ffmpeg)
  timeout -k 2 "$DUR" ffmpeg -hide_banner -nostdin -loglevel error -rtsp_flags listen -i "rtsp://127.0.0.1:$P2/live/s1" \
    -map 0 -c copy -f tee "$tee" > "$d/relayT.log" 2>&1 & PIDS+=($!); local FT; FT=$(proc_pid_of $! ffmpeg)
  wait_port "$P1" && wait_port "$P2" || { echo "ffmpeg relays did not listen" >&2; return 1; }
  publish "rtsp://127.0.0.1:$P1/live/s1" -f rtsp -rtsp_transport tcp
  publish "rtsp://127.0.0.1:$P2/live/s1" -f rtsp -rtsp_transport tcp
  sleep "$SETTLE_S"
  local r1 rT n; r1=$(rss_kb "$F1"); rT=$(rss_kb "$FT"); n=$(sink_sessions "$K")
  # one relay per stream: idle 0, N streams = N relays; targets: the tee's extra outputs
  awk -v r1="$r1" -v rT="$rT" -v ns="$NS" -v nt="$NT" -v n="$n" 'BEGIN {
    pt = (rT - r1) / (nt - 1)
    printf "FOOTPRINT relay=ffmpeg idle_mb=NA streams_mb=%.1f targets_mb=%.1f per_stream_mb=%.2f per_target_mb=%.2f threads_idle=NA threads_streams=NA threads_targets=NA sessions=%d expected=%d ok=%d\n",
      ns * r1 / 1024, (ns * r1 + ns * nt * pt - ns * pt) / 1024, r1 / 1024, pt / 1024, n, nt + 1, (n == nt + 1) }'
  for p in "${PIDS[@]}"; do kill_tree "$p"; done; wait 2>/dev/null; PIDS=()
}

for r in $RELAYS; do "run_$r"; done | tee "$W/results"

fld() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
echo
echo "| relay | idle RSS | with $NS streams | with $NS × $NT targets | per added stream | per added target | threads idle / streams / targets | target sessions at sink |"
echo "|---|---|---|---|---|---|---|---|"
while read -r line; do
  [ -n "$line" ] || continue
  label=$(fld "$line" relay); case "$label" in sluice) label="**Sluice**";; nginx) label="nginx-rtmp";; ffmpeg) label="ffmpeg -c copy (one process per stream)";; esac
  printf '| %s | %s MB | %s MB | %s MB | %s MB | %s MB | %s / %s / %s | %s of %s |\n' "$label" "$(fld "$line" idle_mb)" \
    "$(fld "$line" streams_mb)" "$(fld "$line" targets_mb)" "$(fld "$line" per_stream_mb)" "$(fld "$line" per_target_mb)" \
    "$(fld "$line" threads_idle)" "$(fld "$line" threads_streams)" "$(fld "$line" threads_targets)" \
    "$(fld "$line" sessions)" "$(fld "$line" expected)"
done < <(grep '^FOOTPRINT ' "$W/results")
