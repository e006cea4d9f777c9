#!/usr/bin/env bash
# bench/latency-rtmp.sh [RUNS] [SECONDS]
#   Latency added by one RTMP -> relay -> RTMP hop, for three relays side by side in the same run,
#   each leg with its own publisher, sink and meter (all started together, so they share the machine):
#     sluice: publish-rtmp.sh -> Sluice rtmp://:S/live/in  --forwardTargets-->   sink-rtmp.sh (nginx) :K1
#     nginx:  publish-rtmp.sh -> relay-nginx-push.sh :N (nginx-rtmp `push`)  -->  sink-rtmp.sh (nginx) :K2
#     ffmpeg: publish-rtmp.sh -> relay-ffmpeg.sh rtmp://:F (-listen 1, -c copy, TUNED=1) --> sink-rtmp.sh :K3
#   Publisher: peers/publish-rtmp.sh (ffmpeg x264 zerolatency 640x360@30 g=30 + AAC, FLV).
#   Each leg is measured by its own peers/latency-media.sh rtmp:IN rtmp:OUT (dumpcap on lo, RTMP chunk
#   stream + FLV parsed, H264 NAL units and AAC frames matched IN->OUT), as latency-anchors.sh does.
#   CPU: Sluice = utime+stime of the java process from /proc/PID/stat sampled right before the
#   publishers start and right after they end, max RSS = VmHWM; nginx = its RELAY line (/proc, over its
#   lifetime, which idles outside the window); ffmpeg = its RELAY line (/usr/bin/time, ends with its input).
#   cpu_pct = cpu_s / publish window * 100 (% of one core).
# Args:  RUNS (default 3), SECONDS publish duration (default 20)
# Env:   RELAYS="sluice nginx ffmpeg" (subset to run)  SEQUENTIAL=1 (legs one after another instead
#          of together: less noise on 2 vCPUs, but then not "the same run")
#        WARMUP_S=8 TAIL_S=1 (latency-media.sh: skip ffmpeg's probe burst and the end-of-stream flush;
#          the anchor values of peers/README.md were measured with these)
#        BENCH_KEEP=dir (keep logs per run; KEEP_PCAP=1 also keeps the pcaps)  SLUICE_JAVA_OPTS
# Prints per run, relay and codec:
#   BENCH name=sluice|nginx|ffmpeg run=1 codec=H264|AAC matched=N p50_us= p99_us= max_us= cpu_s= cpu_pct=
#     rss_kb= recv_v= recv_a= window_s=
#   then BENCH_MEDIAN lines (medians over runs) and a markdown table.
set -u
RUNS=${1:-3}; SECS=${2:-20}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RELAYS=${RELAYS:-"sluice nginx ffmpeg"}
export WARMUP_S=${WARMUP_S:-8} TAIL_S=${TAIL_S:-1}
bench_workdir lat-rtmp
case " $RELAYS " in *" sluice "*) build_sluice || { echo "build failed" >&2; exit 1; };; esac

field() { sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" <<<"$1" | head -1; }

# start_leg RELAY DIR : starts the meter, the sink and the relay of one leg (not the publisher).
# Sets IN_URL (where the publisher goes) and appends to PIDS; the relay's pid goes to $DIR/relay.pid.
start_leg() {
  local r=$1 d=$2 IN K
  read -r IN K < <(free_ports 2)
  local DUR=$((SECS + 14)) CAP=$((SECS + 10))
  case "$r" in
    sluice)
      local RT U; RT=$(free_ports 1); U=$(free_udp_pair)
      RTMP_PORT=$IN SLUICE_PATH=live/in sluice_conf "$d/sluice.yml" "$RT" "$U" "rtmp://127.0.0.1:$K/live/out"
      # +300: start-up on a busy machine; the leg's end kills it anyway
      timeout -k 5 $((DUR + 330)) "$REPO/sluice" "$d/sluice.yml" > "$d/relay.log" 2>&1 &
      local SP=$!; PIDS+=($SP); echo $SP > "$d/relay.pid"
      java_pid_of "$SP" > "$d/java.pid"
      wait_port "$IN" 600 || { echo "sluice did not start: $(tail -5 "$d/relay.log")" >&2; return 1; };;
    nginx)
      timeout -k 5 $((DUR + 30)) "$PEERS/relay-nginx-push.sh" "$IN" "rtmp://127.0.0.1:$K/live" $((SECS + 8)) \
        > "$d/relay.log" 2>&1 & PIDS+=($!); echo $! > "$d/relay.pid"
      wait_port "$IN" || { echo "nginx relay did not start" >&2; return 1; };;
    ffmpeg)
      timeout -k 5 $((DUR + 30)) "$PEERS/relay-ffmpeg.sh" "rtmp://127.0.0.1:$IN/live/in" "rtmp://127.0.0.1:$K/live/out" \
        $((SECS + 10)) > "$d/relay.log" 2>&1 & PIDS+=($!); echo $! > "$d/relay.pid"
      wait_port "$IN" || { echo "ffmpeg relay did not start" >&2; return 1; };;
  esac
  timeout -k 5 $((DUR + 150)) "$PEERS/sink-rtmp.sh" "$K" "$DUR" live > "$d/sink.log" 2>&1 & PIDS+=($!); echo $! > "$d/sink.pid"
  wait_port "$K" || { echo "sink did not start ($r)" >&2; return 1; }
  # the sink and the meter after the relay is up: they last DUR and CAP seconds from their start, and a
  # JVM's start-up on a busy machine (tens of seconds) would otherwise eat them; relays connect to the
  # sink only once publishing
  KEEP=${KEEP_PCAP:+$d/cap.pcap} timeout -k 5 $((CAP + 180)) "$PEERS/latency-media.sh" "rtmp:$IN" "rtmp:$K" "$CAP" \
    > "$d/lat.log" 2>&1 & PIDS+=($!); echo $! > "$d/lat.pid"
  echo "rtmp://127.0.0.1:$IN/live/in" > "$d/in.url"
}

# finish_leg RELAY DIR RUN WINDOW_S CPU0 CPU1 : waits for the leg's peers, prints its BENCH lines
finish_leg() {
  local r=$1 d=$2 i=$3 win=$4 cpu_s rss pct
  wait "$(cat "$d/lat.pid")" 2>/dev/null
  if [ "$r" = sluice ]; then
    kill_tree "$(cat "$d/relay.pid")"
    cpu_s=$(awk -v a="$5" -v b="$6" -v t="$CLK_TCK" 'BEGIN{printf "%.2f", (b-a)/t}')
    rss=$(cat "$d/rss")
  else
    timeout 60 tail --pid="$(cat "$d/relay.pid")" -f /dev/null
    local rl; rl=$(grep -a '^RELAY' "$d/relay.log" | tail -1)
    cpu_s=$(awk -v u="$(field "$rl" cpu_user_s)" -v s="$(field "$rl" cpu_sys_s)" 'BEGIN{printf "%.2f", u + s}')
    rss=$(field "$rl" maxrss_kb)
  fi
  pct=$(awk -v c="$cpu_s" -v w="$win" 'BEGIN{printf "%.1f", (w > 0) ? 100*c/w : 0}')
  timeout 200 tail --pid="$(cat "$d/sink.pid")" -f /dev/null
  local rc; rc=$(grep -a '^RECEIVED' "$d/sink.log" | tail -1)
  local rv ra; rv=$(sed -n 's/.*video=[^ ]* frames=\([0-9]*\).*/\1/p' <<<"$rc"); ra=$(sed -n 's/.*audio=[^ ]* frames=\([0-9]*\).*/\1/p' <<<"$rc")
  local codec line
  for codec in H264 AAC; do
    line=$(grep -a "^LATENCY mode=unit codec=$codec " "$d/lat.log" | tail -1)
    [ -n "$line" ] || { echo "NOTE run=$i $r: no $codec latency line: $(grep -a -E 'LATENCY_ALL|error|Error' "$d/lat.log" | head -3)"; continue; }
    echo "BENCH name=$r run=$i codec=$codec matched=$(field "$line" matched) p50_us=$(field "$line" p50_us)" \
      "p99_us=$(field "$line" p99_us) max_us=$(field "$line" max_us) cpu_s=$cpu_s cpu_pct=$pct rss_kb=${rss:-NA}" \
      "recv_v=${rv:-0} recv_a=${ra:-0} window_s=$win" | tee -a "$W/results"
  done
  grep -a -h '^CAPTURE|' "$d/lat.log" | sed "s/^/NOTE run=$i $r /"
  [ "$r" = sluice ] && grep -a -E 'WARN|ERROR|discarded' "$d/relay.log" | head -5 | sed "s/^/NOTE run=$i sluice: /"
  grep -a '^LOG|' "$d/relay.log" "$d/sink.log" 2>/dev/null | head -3 | sed "s/^/NOTE run=$i $r /"
}

# legs RUN RELAY... : one measurement with the given relays running together
legs() {
  local i=$1; shift
  local r d
  PIDS=()
  for r in "$@"; do
    d="$W/run$i-$r"; mkdir -p "$d"
    start_leg "$r" "$d" || { for p in "${PIDS[@]}"; do kill_tree "$p"; done; wait 2>/dev/null; return 1; }
  done
  sleep 1.5  # dumpcap must be capturing before the RTMP handshakes
  local c0="" c1="" t0 t1 jp="" pubs=()
  [ -f "$W/run$i-sluice/java.pid" ] && jp=$(cat "$W/run$i-sluice/java.pid")
  [ -n "$jp" ] && c0=$(cpu_ticks "$jp")
  t0=$(date +%s.%N)
  for r in "$@"; do
    d="$W/run$i-$r"
    "$PEERS/publish-rtmp.sh" "$(cat "$d/in.url")" "$SECS" > "$d/pub.log" 2>&1 & pubs+=($!); PIDS+=($!)
  done
  wait "${pubs[@]}"
  t1=$(date +%s.%N)
  if [ -n "$jp" ]; then c1=$(cpu_ticks "$jp"); vmhwm_kb "$jp" > "$W/run$i-sluice/rss"; fi
  local win; win=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')
  for r in "$@"; do
    d="$W/run$i-$r"
    grep -a '^PUBLISHED' "$d/pub.log" | grep -v ' rc=0 ' | sed "s/^/NOTE run=$i $r publisher: /"
    finish_leg "$r" "$d" "$i" "$win" "$c0" "$c1"
  done
  for p in "${PIDS[@]}"; do kill_tree "$p"; done
  wait 2>/dev/null
}

for i in $(seq 1 "$RUNS"); do
  if [ "${SEQUENTIAL:-0}" = 1 ]; then
    for r in $RELAYS; do legs "$i" "$r"; done
  else
    # shellcheck disable=SC2086
    legs "$i" $RELAYS
  fi
done
[ -s "$W/results" ] || { echo "no results" >&2; exit 1; }

for r in $RELAYS; do
  for codec in H264 AAC; do
    sel() { grep -F "name=$r " "$W/results" | grep -F " codec=$codec " | sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
    n=$(sel p50_us | wc -l); [ "$n" -gt 0 ] || continue
    pct=$(sel cpu_pct | awk '{printf "%d\n", $1*10}' | median); pct=$(awk -v c="$pct" 'BEGIN{printf "%.1f", c/10}')
    echo "BENCH_MEDIAN name=$r codec=$codec runs=$n p50_us=$(sel p50_us | median) p99_us=$(sel p99_us | median)" \
      "cpu_pct=$pct rss_kb=$(sel rss_kb | median) recv_v=$(sel recv_v | median) recv_a=$(sel recv_a | median)"
  done
done | tee "$W/medians"
echo
echo "| relay (RTMP -> RTMP) | video p50 ms | video p99 ms | audio p50 ms | audio p99 ms | CPU % of a core | max RSS MB | frames at sink (v/a) | runs |"
echo "|---|---|---|---|---|---|---|---|---|"
for r in $RELAYS; do
  v=$(grep -F "name=$r codec=H264 " "$W/medians"); a=$(grep -F "name=$r codec=AAC " "$W/medians")
  [ -n "$v$a" ] || continue
  ms() { awk -v x="$1" 'BEGIN{ if (x == "" || x == "NA") print "NA"; else printf "%.2f", x/1000 }'; }
  label=$r; case "$r" in sluice) label="Sluice forward";; nginx) label="nginx-rtmp push";; ffmpeg) label="ffmpeg -c copy";; esac
  printf '| %s | %s | %s | %s | %s | %s | %s | %s/%s | %s |\n' "$label" \
    "$(ms "$(field "$v" p50_us)")" "$(ms "$(field "$v" p99_us)")" "$(ms "$(field "$a" p50_us)")" "$(ms "$(field "$a" p99_us)")" \
    "$(field "${v:-$a}" cpu_pct)" "$(awk -v x="$(field "${v:-$a}" rss_kb)" 'BEGIN{printf "%.0f", x/1024}')" \
    "$(field "$v" recv_v)" "$(field "$a" recv_a)" "$(field "${v:-$a}" runs)"
done
