#!/usr/bin/env bash
# bench/fanout-rtsp.sh [part]   part = a | b | all (default all)
#   Fan-out cost of Sluice's RTSP forwarding, with Sluice pinned to core 1 (taskset -c 1: one
#   event loop, GC and JIT threads included) and every peer pinned to core 0.
#   Publisher: a pre-encoded 20 s H264 (640x360@30, g=30, 1 Mbit/s) + AAC 64k file, looped with
#     `ffmpeg -re -stream_loop -1 -c copy -f rtsp` (costs ~1 % CPU: no encoding). Built once into
#     $CACHE (default /tmp/sluice-bench).
#   Targets: bench/rtsp-record-sink.py, one python3 asyncio process that accepts every RTSP RECORD
#     session, counts RTP packets/bytes, RTP sequence gaps (= packets lost) and the video lag
#     growth (a sender that falls behind real time without losing anything).
#   Each step: start Sluice, start publishers, wait WARM_S (JIT, GOP-cache start burst), then
#     measure over MEASURE_S: Sluice CPU (utime+stime from /proc/PID/stat) and packets received by
#     all sinks. cpu_us_per_pkt = Sluice CPU / forwarded packets.
#   (a) one publisher, N targets for N in FANOUT_N (default "1 4 16"), REPEAT times each.
#   (b) streams x TARGETS_B targets (default 4), streams in STREAMS_B (default "4 8 16 24 32 48"),
#       stop at the first step that is not clean. Clean = every session present, 0 RTP seq gaps,
#       no "discarded" warning in Sluice's log, video lag grew < 100 ms over the window, and
#       Sluice's core below 95 %.
# Env: WARM_S=8 MEASURE_S=10 REPEAT=2 FANOUT_N STREAMS_B TARGETS_B VBITRATE=1M BENCH_KEEP=dir
# Prints: FANOUT part=a|b streams= targets= forwards= sessions= pkts_in_per_s= pkts_out_per_s=
#   sluice_cpu_pct= cpu_us_per_pkt= lost= discarded= lag_growth_ms= sink_cpu_pct= clean=0|1
#   then medians for (a) and the largest clean step of (b), as markdown.
set -u
PART=${1:-all}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WARM_S=${WARM_S:-8}; MEASURE_S=${MEASURE_S:-10}; REPEAT=${REPEAT:-2}
FANOUT_N=${FANOUT_N:-"1 4 16"}; STREAMS_B=${STREAMS_B:-"4 8 16 24 32 48"}; TARGETS_B=${TARGETS_B:-4}
VBITRATE=${VBITRATE:-1M}; CACHE=${CACHE:-/tmp/sluice-bench}
bench_workdir fan
build_sluice || { echo "build failed" >&2; exit 1; }

SRC="$CACHE/src-$VBITRATE.mkv"
if [ ! -s "$SRC" ]; then
  mkdir -p "$CACHE"
  timeout 300 ffmpeg -hide_banner -nostdin -loglevel error -y -f lavfi -i "testsrc2=size=640x360:rate=30" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 20 -map 0:v -c:v libx264 -profile:v baseline \
    -preset veryfast -tune zerolatency -g 30 -keyint_min 30 -sc_threshold 0 -bf 0 -pix_fmt yuv420p \
    -b:v "$VBITRATE" -maxrate "$VBITRATE" -bufsize "$VBITRATE" -map 1:a -c:a aac -b:a 64k -ac 1 "$SRC.tmp.mkv" \
    && mv "$SRC.tmp.mkv" "$SRC" || { echo "cannot build $SRC" >&2; exit 1; }
fi

# snapshot STATUS JAVA_PID SINK_PID -> "t packets lost maxlag_ms sessions java_ticks sink_ticks"
# Waits for the sink's next status rewrite so the CPU sample and the counters are a few ms apart.
snapshot() {
  local f=$1 before now i
  before=$(head -1 "$f" 2>/dev/null)
  for i in $(seq 1 30); do now=$(head -1 "$f" 2>/dev/null); [ "$now" != "$before" ] && break; sleep 0.05; done
  local jt st; jt=$(cpu_ticks "$2"); st=$(cpu_ticks "$3")
  awk -v jt="$jt" -v st="$st" '/^NOW/{split($2,a,"="); t=a[2]} /^SESSION/{n++; for(i=2;i<=NF;i++){split($i,a,"="); v[a[1]]=a[2]}
      p+=v["packets"]; l+=v["lost"]; lag[v["id"]]=v["lag_ms"]} END{s=""; for(k in lag) s=s k ":" lag[k] ","; print t, p+0, l+0, n+0, jt, st, s}' "$f"
}

step() { # part streams targets
  local part=$1 ns=$2 nt=$3 d="$W/$1-$2x$3-$RANDOM"; mkdir -p "$d"
  local S K U; read -r S K < <(free_ports 2); U=$(free_udp_pair)
  local DUR=$((WARM_S + MEASURE_S + 30))
  PIDS=()
  taskset -c 0 timeout -k 2 "$DUR" "$PY" "$BENCH_DIR/rtsp-record-sink.py" "$K" "$d/status" "$DUR" > "$d/sink.log" 2>&1 &
  local KP=$!; PIDS+=($KP)
  local KPY=""; for i in $(seq 1 50); do KPY=$(pgrep -P "$KP" | head -1); [ -n "$KPY" ] && break; sleep 0.05; done
  {
    echo "logLevel: info"; echo "rtspAddress: 127.0.0.1:$S"; echo "rtpAddress: 127.0.0.1:$U"; echo "rtcpAddress: 127.0.0.1:$((U + 1))"
    for k in rtmpAddress srtAddress webrtcAddress apiAddress metricsAddress; do echo "$k: 127.0.0.1:0"; done
    [ "$ns" -gt 0 ] && echo "paths:"
    for s in $(seq 1 "$ns"); do
      echo "  s$s:"; echo "    forwardTargets:"
      for t in $(seq 1 "$nt"); do echo "      - {url: rtsp://127.0.0.1:$K/s$s/t$t, rtspConfig: {transport: tcp}}"; done
    done
  } > "$d/sluice.yml"
  taskset -c 1 timeout -k 5 "$DUR" "$REPO/sluice" "$d/sluice.yml" > "$d/sluice.log" 2>&1 & local SP=$!; PIDS+=($SP)
  local JP; JP=$(java_pid_of "$SP")
  wait_port "$S" 200 && wait_port "$K" || { echo "sluice/sink did not start" >&2; return 1; }
  [ "$ns" -eq 0 ] && sleep 1  # idle step: the sink writes its status file every second
  for s in $(seq 1 "$ns"); do
    taskset -c 0 timeout -k 2 $((WARM_S + MEASURE_S + 5)) ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop -1 \
      -i "$SRC" -c copy -f rtsp -rtsp_transport tcp "rtsp://127.0.0.1:$S/s$s" > "$d/pub-$s.log" 2>&1 &
    PIDS+=($!)
  done
  sleep "$WARM_S"
  local a b; a=$(snapshot "$d/status" "$JP" "$KPY"); sleep "$MEASURE_S"; b=$(snapshot "$d/status" "$JP" "$KPY")
  local disc; disc=$(grep -c 'discarded' "$d/sluice.log")
  for p in "${PIDS[@]}"; do kill_tree "$p"; done
  wait 2>/dev/null
  awk -v a="$a" -v b="$b" -v part="$part" -v ns="$ns" -v nt="$nt" -v tck="$CLK_TCK" -v disc="$disc" 'BEGIN{
    split(a, A, " "); split(b, B, " ")
    dt = B[1] - A[1]; pk = B[2] - A[2]; lost = B[3]
    cpu = (B[5] - A[5]) / tck; scpu = (B[6] - A[6]) / tck
    n1 = split(A[7], L1, ","); n2 = split(B[7], L2, ",")
    for (i = 1; i <= n1; i++) if (L1[i] != "") { split(L1[i], x, ":"); l0[x[1]] = x[2] }
    g = 0; for (i = 1; i <= n2; i++) if (L2[i] != "") { split(L2[i], x, ":"); if ((x[1] in l0) && x[2] - l0[x[1]] > g) g = x[2] - l0[x[1]] }
    pps = dt > 0 ? pk / dt : 0; pct = dt > 0 ? 100 * cpu / dt : 0
    clean = (B[4] == ns * nt && lost == 0 && disc == 0 && g < 100 && pct < 95 && pk > 0) ? 1 : 0
    printf "FANOUT part=%s streams=%d targets=%d forwards=%d sessions=%d pkts_in_per_s=%.0f pkts_out_per_s=%.0f sluice_cpu_pct=%.1f cpu_us_per_pkt=%.2f lost=%d discarded=%d lag_growth_ms=%.0f sink_cpu_pct=%.1f clean=%d\n", \
      part, ns, nt, ns * nt, B[4], pps / nt, pps, pct, (pk > 0 ? cpu * 1e6 / pk : 0), lost, disc, g, (dt > 0 ? 100 * scpu / dt : 0), clean }'
}

if [ "$PART" = a ] || [ "$PART" = all ]; then
  # idle step (no publisher): the fixed cost of a running Sluice (timers, GC, JIT), subtracted below
  for r in $(seq 1 "$REPEAT"); do step a 0 0; done | tee "$W/idle"
  idle=$(sed -n 's/.* sluice_cpu_pct=\([0-9.]*\).*/\1/p' "$W/idle" | awk '{printf "%d\n", $1*100}' | median)
  idle=$(awk -v x="$idle" 'BEGIN{printf "%.2f", x/100}')
  echo "FANOUT_IDLE sluice_cpu_pct=$idle"
  for n in $FANOUT_N; do for r in $(seq 1 "$REPEAT"); do step a 1 "$n"; done; done | tee "$W/a"
  echo; echo "| targets | forwarded pkt/s | Sluice CPU % of core 1 | µs CPU per forwarded pkt (total) | µs per forwarded pkt (net of idle $idle %) | runs |"
  echo "|---|---|---|---|---|---|"
  for n in $FANOUT_N; do
    sel() { grep " targets=$n " "$W/a" | sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
    pps=$(sel pkts_out_per_s | median); pct=$(sel sluice_cpu_pct | awk '{printf "%d\n", $1*100}' | median)
    printf '| %s | %s | %.1f | %s | %.1f | %s |\n' "$n" "$pps" "$(awk -v x="$pct" 'BEGIN{print x/100}')" \
      "$(sel cpu_us_per_pkt | awk '{printf "%d\n", $1*100}' | median | awk '{printf "%.1f", $1/100}')" \
      "$(awk -v p="$pct" -v i="$idle" -v r="$pps" 'BEGIN{print (r > 0) ? (p/100 - i) * 1e4 / r : 0}')" "$(sel pkts_out_per_s | wc -l)"
  done
fi
if [ "$PART" = b ] || [ "$PART" = all ]; then
  best=""
  for ns in $STREAMS_B; do
    line=$(step b "$ns" "$TARGETS_B"); echo "$line"
    case "$line" in *clean=1*) best=$line;; *) break;; esac
  done
  echo "FANOUT_MAX_CLEAN ${best:-none}"
fi
