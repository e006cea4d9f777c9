#!/usr/bin/env bash
# bench/fanout-rtmp.sh
#   CPU per forwarded RTMP stream, Sluice's forwardTargets vs nginx-rtmp's native `push`, same method
#   as fanout-rtsp.sh: the relay pinned to core 1 (taskset -c 1), every peer pinned to core 0.
#   Publishers: the pre-encoded 20 s H264 (640x360@30, g=30, 1 Mbit/s) + AAC 64k file of
#     fanout-rtsp.sh ($CACHE, built once), looped with `ffmpeg -re -stream_loop -1 -c copy -f flv`
#     to rtmp://relay/live/s<i>.
#   Targets: ONE nginx-rtmp sink process (sink-rtmp.sh style, `live on`, no recording), applications
#     t1..tT, so every forwarded session is a distinct publish rtmp://sink/t<j>/s<i>.
#   Relays:
#     sluice: N paths live/s<i>, each with T forwardTargets rtmp://sink/t<j>/s<i>.
#     nginx:  one nginx-rtmp process (relay-nginx-push.sh style, master_process off), application
#             live with T lines `push rtmp://sink/t<j>;` (nginx appends the stream key).
#   Each step: start sink + relay, start N publishers, wait WARM_S (JIT, start burst), then measure
#     over MEASURE_S: relay CPU (utime+stime from /proc/PID/stat) and the bytes the sink received
#     (sum of bytes_received of its established sockets, `ss -ti`). Sessions present = sockets at the
#     sink that carried data during the window; publishes = 'publish: name=' lines in the sink's log
#     (sessions started, reconnects included). cpu_pct = % of one core; us_per_fwd_s = µs of relay CPU per forwarded stream-second.
#   Clean = sessions == streams x targets (every target session present and receiving) and the relay
#     core below 95 %.
# Env: WARM_S=8 MEASURE_S=10 STREAMS="4 16 32" TARGETS=4 RELAYS="sluice nginx" VBITRATE=1M BENCH_KEEP=dir
# Prints: FANOUT relay= streams= targets= forwards= sessions= publishes= sink_mbit_s= cpu_pct=
#   us_per_fwd_s= sink_cpu_pct= clean=0|1 per step, then a markdown table.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WARM_S=${WARM_S:-8}; MEASURE_S=${MEASURE_S:-10}; STREAMS=${STREAMS:-"4 16 32"}; TARGETS=${TARGETS:-4}
RELAYS=${RELAYS:-"sluice nginx"}; VBITRATE=${VBITRATE:-1M}; CACHE=${CACHE:-/tmp/sluice-bench}
MOD=/usr/lib/nginx/modules/ngx_rtmp_module.so
[ -f "$MOD" ] || { echo "missing $MOD (apt-get install libnginx-mod-rtmp)" >&2; exit 2; }
bench_workdir fan-rtmp
case " $RELAYS " in *" sluice "*) build_sluice || { echo "build failed" >&2; exit 1; };; esac

SRC="$CACHE/src-$VBITRATE.mkv"
if [ ! -s "$SRC" ]; then
  mkdir -p "$CACHE"
  timeout 300 ffmpeg -hide_banner -nostdin -loglevel error -y -f lavfi -i "testsrc2=size=640x360:rate=30" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 20 -map 0:v -c:v libx264 -profile:v baseline \
    -preset veryfast -tune zerolatency -g 30 -keyint_min 30 -sc_threshold 0 -bf 0 -pix_fmt yuv420p \
    -b:v "$VBITRATE" -maxrate "$VBITRATE" -bufsize "$VBITRATE" -map 1:a -c:a aac -b:a 64k -ac 1 "$SRC.tmp.mkv" \
    && mv "$SRC.tmp.mkv" "$SRC" || { echo "cannot build $SRC" >&2; exit 1; }
fi

# nginx_conf DIR PORT APPS_BLOCK : single-process nginx-rtmp config in prefix DIR
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
rtmp {
  server {
    listen 127.0.0.1:$2;
    chunk_size 4096;
$3
  }
}
EOF
  nginx -t -q -p "$1" -e "$1/logs/error.log" -c "$1/nginx.conf" || { cat "$1/logs/error.log" >&2; return 1; }
}

# nginx_pid_of PID -> the nginx process under `timeout` PID
nginx_pid_of() {
  local i c
  for i in $(seq 1 50); do
    c=$(pgrep -P "$1" | head -1); [ -n "$c" ] && { echo "$c"; return; }
    sleep 0.05
  done
}

# sink_sockets PORT -> "local_peer bytes_received" per established server-side socket of the sink
sink_sockets() {
  ss -Htin state established "sport = :$1" 2>/dev/null | awk '
    /^[^[:space:]]/ { peer = $4; next }
    { for (i = 1; i <= NF; i++) if ($i ~ /^bytes_received:/) { split($i, a, ":"); if (peer != "") print peer, a[2]; peer = "" } }'
}

step() { # relay streams targets
  local r=$1 ns=$2 nt=$3 d="$W/$1-$2x$3"; mkdir -p "$d"
  local IN K; read -r IN K < <(free_ports 2)
  local DUR=$((WARM_S + MEASURE_S + 160)) apps="" t s  # 160: the sink outlives a JVM start of up to 2 min (loaded machine)
  PIDS=()
  for t in $(seq 1 "$nt"); do apps+="    application t$t { live on; allow publish 127.0.0.1; allow play 127.0.0.1; }"$'\n'; done
  nginx_conf "$d/sink" "$K" "$apps" || return 1
  taskset -c 0 timeout -k 3 "$DUR" nginx -p "$d/sink" -e "$d/sink/logs/error.log" -c "$d/sink/nginx.conf" > "$d/sink.out" 2>&1 &
  local KT=$!; PIDS+=($KT)
  local RP=""
  case "$r" in
    sluice)
      local RT U; RT=$(free_ports 1); U=$(free_udp_pair)
      {
        echo "logLevel: info"; echo "rtspAddress: 127.0.0.1:$RT"; echo "rtpAddress: 127.0.0.1:$U"; echo "rtcpAddress: 127.0.0.1:$((U + 1))"
        echo "rtmpAddress: 127.0.0.1:$IN"
        for k in srtAddress webrtcAddress apiAddress metricsAddress; do echo "$k: 127.0.0.1:0"; done
        echo "paths:"
        for s in $(seq 1 "$ns"); do
          echo "  live/s$s:"; echo "    forwardTargets:"
          for t in $(seq 1 "$nt"); do echo "      - {url: rtmp://127.0.0.1:$K/t$t/s$s}"; done
        done
      } > "$d/sluice.yml"
      taskset -c 1 timeout -k 5 "$DUR" "$REPO/sluice" "$d/sluice.yml" > "$d/relay.log" 2>&1 & local SP=$!; PIDS+=($SP)
      RP=$(java_pid_of "$SP")
      wait_port "$IN" 600 || { echo "sluice did not start: $(tail -3 "$d/relay.log")" >&2; return 1; };;
    nginx)
      local push=""; for t in $(seq 1 "$nt"); do push+="      push rtmp://127.0.0.1:$K/t$t;"$'\n'; done
      nginx_conf "$d/relay" "$IN" "    application live {
      live on;
      allow publish 127.0.0.1;
      allow play 127.0.0.1;
$push    }" || return 1
      taskset -c 1 timeout -k 3 "$DUR" nginx -p "$d/relay" -e "$d/relay/logs/error.log" -c "$d/relay/nginx.conf" > "$d/relay.log" 2>&1 &
      local NT=$!; PIDS+=($NT); RP=$(nginx_pid_of "$NT")
      wait_port "$IN" || { echo "nginx relay did not start" >&2; return 1; };;
  esac
  wait_port "$K" || { echo "sink did not start" >&2; return 1; }
  local KP; KP=$(nginx_pid_of "$KT")
  for s in $(seq 1 "$ns"); do
    taskset -c 0 timeout -k 2 $((WARM_S + MEASURE_S + 5)) ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop -1 \
      -i "$SRC" -c copy -f flv "rtmp://127.0.0.1:$IN/live/s$s" > "$d/pub-$s.log" 2>&1 &
    PIDS+=($!)
  done
  sleep "$WARM_S"
  local t0 t1 c0 c1 k0 k1
  sink_sockets "$K" > "$d/ss0"; c0=$(cpu_ticks "$RP"); k0=$(cpu_ticks "$KP"); t0=$(date +%s.%N)
  sleep "$MEASURE_S"
  sink_sockets "$K" > "$d/ss1"; c1=$(cpu_ticks "$RP"); k1=$(cpu_ticks "$KP"); t1=$(date +%s.%N)
  local pubs; pubs=$(grep -a -c "publish: name=" "$d/sink/logs/error.log" 2>/dev/null)
  for p in "${PIDS[@]}"; do kill_tree "$p"; done
  wait 2>/dev/null
  # sessions = sockets present at both snapshots that received data in between
  awk -v r="$r" -v ns="$ns" -v nt="$nt" -v tck="$CLK_TCK" -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" \
      -v k0="$k0" -v k1="$k1" -v pubs="$pubs" '
    FNR == NR { a[$1] = $2; next }
    ($1 in a) && $2 > a[$1] { n++; by += $2 - a[$1] }
    END {
      dt = t1 - t0; cpu = (c1 - c0) / tck; f = ns * nt
      pct = dt > 0 ? 100 * cpu / dt : 0
      clean = (n == f && pct < 95) ? 1 : 0
      printf "FANOUT relay=%s streams=%d targets=%d forwards=%d sessions=%d publishes=%d sink_mbit_s=%.1f cpu_pct=%.1f us_per_fwd_s=%.0f sink_cpu_pct=%.1f clean=%d\n", \
        r, ns, nt, f, n + 0, pubs, (dt > 0 ? by * 8 / dt / 1e6 : 0), pct, (f > 0 && dt > 0 ? cpu * 1e6 / (f * dt) : 0), \
        (dt > 0 ? 100 * (k1 - k0) / tck / dt : 0), clean }' "$d/ss0" "$d/ss1"
}

for ns in $STREAMS; do
  for r in $RELAYS; do step "$r" "$ns" "$TARGETS"; done
done | tee "$W/results"

fld() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
echo
echo "| streams × targets | forwards | relay | sessions at sink | sink Mbit/s | relay CPU (% of core 1) | µs CPU per forwarded stream-second | forwards per core (extrapolated) | clean |"
echo "|---|---|---|---|---|---|---|---|---|"
while read -r line; do
  [ -n "$line" ] || continue
  label=$(fld "$line" relay); case "$label" in sluice) label="Sluice forward";; nginx) label="nginx-rtmp push";; esac
  us=$(fld "$line" us_per_fwd_s)
  printf '| %s × %s | %s | %s | %s | %s | %s %% | %s | %s | %s |\n' "$(fld "$line" streams)" "$(fld "$line" targets)" \
    "$(fld "$line" forwards)" "$label" "$(fld "$line" sessions)" "$(fld "$line" sink_mbit_s)" "$(fld "$line" cpu_pct)" "$us" \
    "$(awk -v u="$us" 'BEGIN{ if (u > 0) printf "~%d", 1e6 / u; else print "NA" }')" \
    "$(case "$line" in *clean=1*) echo yes;; *) echo no;; esac)"
done < <(grep '^FANOUT ' "$W/results")
