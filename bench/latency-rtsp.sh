#!/usr/bin/env bash
# bench/latency-rtsp.sh [RUNS] [SECONDS]
#   Latency that Sluice adds on RTSP -> Sluice -> RTSP, measured side by side in the same run
#   with the baseline relay `ffmpeg -c copy` (peers/relay-ffmpeg.sh, TUNED=1):
#     publish-rtsp.sh (ffmpeg x264 zerolatency + AAC) -> Sluice :S  --forward tcp-->  sink-rtsp.sh :K1
#     publish-rtsp.sh (same)                           -> relay-ffmpeg :R  --tcp-->    sink-rtsp.sh :K2
#   Each leg is measured by its own peers/latency-rtp.sh (dumpcap on lo; mode=unit matches NAL
#   units / AAC AUs, mode=payload byte-identical RTP payloads), WARMUP_S seconds skipped.
#   Per run it also reads Sluice's CPU (utime+stime of the java process from /proc/PID/stat,
#   sampled right before the publishers start and right after they end) and max RSS (VmHWM),
#   and ffmpeg's from relay-ffmpeg.sh's RELAY line (/usr/bin/time; the relay idles before that).
# Args:  RUNS (default 3) per transport, SECONDS publish duration (default 20)
# Env:   TRANSPORTS="tcp udp" (publisher -> relay transport; the forward leg is always TCP)
#        WARMUP_S=5 (latency-rtp.sh: skip units entering in the first N s: ffmpeg's probe burst)
#        BENCH_KEEP=dir (keep logs per run; KEEP_PCAP=1 also keeps the pcaps)  SLUICE_JAVA_OPTS (passed to ./sluice)
# Prints per run and codec:
#   BENCH name=sluice-rtsp-tcp run=1 mode=unit codec=H264 matched=N p50_us= p99_us= max_us= cpu_s= cpu_pct= rss_kb=
#   (name = sluice-rtsp-<transport> | ffmpeg-rtsp-<transport>), then BENCH_MEDIAN lines (medians over
#   runs) and a markdown table. cpu_pct = cpu_s / publish window * 100 (% of one core).
set -u
RUNS=${1:-3}; SECS=${2:-20}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TRANSPORTS=${TRANSPORTS:-"tcp udp"}
export WARMUP_S=${WARMUP_S:-5}
bench_workdir lat
build_sluice || { echo "build failed" >&2; exit 1; }

run_once() { # transport run-index -> BENCH lines into $W/results
  local tr=$1 i=$2 d="$W/$1-$2"; mkdir -p "$d"
  read -r S K1 R K2 < <(free_ports 4)
  local U; U=$(free_udp_pair)
  local DUR=$((SECS + 12)) CAP=$((SECS + 4))
  PIDS=()
  timeout -k 5 $((DUR + 60)) "$PEERS/sink-rtsp.sh" "$K1" live/out "$DUR" > "$d/sink-sluice.log" 2>&1 & PIDS+=($!)
  timeout -k 5 $((DUR + 60)) "$PEERS/sink-rtsp.sh" "$K2" live/out "$DUR" > "$d/sink-ffmpeg.log" 2>&1 & PIDS+=($!)
  sluice_conf "$d/sluice.yml" "$S" "$U" "rtsp://127.0.0.1:$K1/live/out"
  timeout -k 5 $((DUR + 30)) "$REPO/sluice" "$d/sluice.yml" > "$d/sluice.log" 2>&1 & local SP=$!; PIDS+=($SP)
  local JP; JP=$(java_pid_of "$SP")
  wait_port "$S" 600 || { echo "sluice did not start (run $tr-$i): $(tail -3 "$d/sluice.log")" >&2; return 1; }
  wait_port "$K1" 300 && wait_port "$K2" 300 || { echo "sinks did not start (run $tr-$i)" >&2; return 1; }
  OUT_TRANSPORT=tcp timeout -k 5 $((DUR + 30)) "$PEERS/relay-ffmpeg.sh" "rtsp://127.0.0.1:$R/live/in" \
    "rtsp://127.0.0.1:$K2/live/out" "$DUR" > "$d/relay.log" 2>&1 & local RP=$!; PIDS+=($RP)
  wait_port "$R" || { echo "relay did not start" >&2; return 1; }
  timeout -k 5 $((CAP + 120)) "$PEERS/latency-rtp.sh" "$S" "$K1" "$CAP" > "$d/lat-sluice.log" 2>&1 & local L1=$!; PIDS+=($L1)
  timeout -k 5 $((CAP + 120)) "$PEERS/latency-rtp.sh" "$R" "$K2" "$CAP" > "$d/lat-ffmpeg.log" 2>&1 & local L2=$!; PIDS+=($L2)
  sleep 1.5  # dumpcap must be capturing before the RTSP dialogs start
  local c0 t0 c1 t1
  c0=$(cpu_ticks "$JP"); t0=$(date +%s.%N)
  TRANSPORT=$tr "$PEERS/publish-rtsp.sh" "rtsp://127.0.0.1:$S/live/test" "$SECS" > "$d/pub-sluice.log" 2>&1 & local P1=$!; PIDS+=($P1)
  TRANSPORT=$tr "$PEERS/publish-rtsp.sh" "rtsp://127.0.0.1:$R/live/in" "$SECS" > "$d/pub-ffmpeg.log" 2>&1 & local P2=$!; PIDS+=($P2)
  wait "$P1" "$P2"
  c1=$(cpu_ticks "$JP"); t1=$(date +%s.%N)
  local rss; rss=$(vmhwm_kb "$JP")
  wait "$L1" "$L2"
  timeout 30 tail --pid="$RP" -f /dev/null
  kill_tree "$SP"
  local win cpu_s cpu_pct relay rcpu rpct rrss
  win=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')
  cpu_s=$(awk -v a="$c0" -v b="$c1" -v t="$CLK_TCK" 'BEGIN{printf "%.2f", (b-a)/t}')
  cpu_pct=$(awk -v c="$cpu_s" -v w="$win" 'BEGIN{printf "%.1f", 100*c/w}')
  relay=$(grep '^RELAY' "$d/relay.log" | tail -1)
  rcpu=$(sed -n 's/.*cpu_user_s=\([0-9.]*\) cpu_sys_s=\([0-9.]*\).*/\1 \2/p' <<<"$relay" | awk '{printf "%.2f", $1+$2}')
  rpct=$(awk -v c="${rcpu:-0}" -v w="$win" 'BEGIN{printf "%.1f", 100*c/w}')
  rrss=$(sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' <<<"$relay")
  emit() { # name logfile cpu pct rss
    grep '^LATENCY mode=' "$2" | while read -r line; do
      local mode codec m p50 p99 mx
      mode=$(sed -n 's/.*mode=\([a-z]*\).*/\1/p' <<<"$line"); codec=$(sed -n 's/.*codec=\([A-Za-z0-9]*\).*/\1/p' <<<"$line")
      m=$(sed -n 's/.* matched=\([0-9]*\).*/\1/p' <<<"$line"); p50=$(sed -n 's/.*p50_us=\([0-9]*\).*/\1/p' <<<"$line")
      p99=$(sed -n 's/.*p99_us=\([0-9]*\).*/\1/p' <<<"$line"); mx=$(sed -n 's/.*max_us=\([0-9]*\).*/\1/p' <<<"$line")
      [ "$codec" = MPEG4 ] && codec=AAC  # latency-rtp.sh names mpeg4-generic MPEG4
      echo "BENCH name=$1 run=$i mode=$mode codec=$codec matched=$m p50_us=$p50 p99_us=$p99 max_us=$mx cpu_s=$3 cpu_pct=$4 rss_kb=$5 window_s=$win"
    done
  }
  emit "sluice-rtsp-$tr" "$d/lat-sluice.log" "$cpu_s" "$cpu_pct" "$rss" | tee -a "$W/results"
  emit "ffmpeg-rtsp-$tr" "$d/lat-ffmpeg.log" "${rcpu:-NA}" "$rpct" "${rrss:-NA}" | tee -a "$W/results"
  grep -h '^CAPTURE|' "$d"/lat-*.log | sed "s/^/NOTE run=$tr-$i /"
  grep -E 'WARN|ERROR|discarded' "$d/sluice.log" | head -5 | sed "s/^/NOTE run=$tr-$i sluice: /"
  for p in "${PIDS[@]}"; do kill_tree "$p"; done
  wait 2>/dev/null
}

for tr in $TRANSPORTS; do
  for i in $(seq 1 "$RUNS"); do run_once "$tr" "$i"; done
done

for key in $(awk '{for(i=1;i<=NF;i++){split($i,a,"="); v[a[1]]=a[2]} print v["name"]"/"v["mode"]"/"v["codec"]}' "$W/results" | sort -u); do
  IFS=/ read -r name mode codec <<<"$key"
  sel() { grep -F "name=$name " "$W/results" | grep -F " mode=$mode codec=$codec " | sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
  n=$(sel p50_us | wc -l)
  p50=$(sel p50_us | median); p99=$(sel p99_us | median)
  cpu=$(sel cpu_s | awk '{printf "%d\n", $1*100}' | median); pct=$(sel cpu_pct | awk '{printf "%d\n", $1*10}' | median)
  rss=$(sel rss_kb | median)
  cpu=$(awk -v c="$cpu" 'BEGIN{printf "%.2f", c/100}'); pct=$(awk -v c="$pct" 'BEGIN{printf "%.1f", c/10}')
  echo "BENCH_MEDIAN name=$name mode=$mode codec=$codec runs=$n p50_us=$p50 p99_us=$p99 cpu_s=$cpu cpu_pct=$pct rss_kb=$rss"
done | tee "$W/medians"
echo
echo "| relay | transport in | mode | codec | p50 ms | p99 ms | CPU s/run | CPU % of a core | max RSS MB | runs |"
echo "|---|---|---|---|---|---|---|---|---|---|"
sort -t' ' -k2,2 "$W/medians" | while read -r _ name mode codec runs p50 p99 cpu pct rss; do
  v() { echo "${1#*=}"; }
  n=$(v "$name")
  printf '| %s | %s | %s | %s | %.2f | %.2f | %s | %s | %.0f | %s |\n' "${n%%-*}" "${n##*-}" "$(v "$mode")" "$(v "$codec")" \
    "$(awk -v x="$(v "$p50")" 'BEGIN{print x/1000}')" "$(awk -v x="$(v "$p99")" 'BEGIN{print x/1000}')" \
    "$(v "$cpu")" "$(v "$pct")" "$(awk -v x="$(v "$rss")" 'BEGIN{print x/1024}')" "$(v "$runs")"
done
