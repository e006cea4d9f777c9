#!/usr/bin/env bash
# bench/latency-srt.sh [RUNS] [SECONDS]
#   Latency added by one SRT -> relay -> SRT hop, for three relays side by side in the same run, each
#   leg with its own publisher, sink and meter (all started together, so they share the machine):
#     sluice: publish-srt.sh -> Sluice srtAddress :S (streamid publish:live/in)
#               --forwardTargets srt://127.0.0.1:K1?streamid=publish:live/out-->  sink-srt.sh :K1
#     slt:    publish-srt.sh -> relay-slt.sh :L (srt-live-transmit listener -> caller)  --> sink-srt.sh :K2
#     ffmpeg: publish-srt.sh -> relay-ffmpeg.sh srt://:F (listener, -c copy, TUNED=1)   --> sink-srt.sh :K3
#   Every SRT socket uses the same latency setting, SRT_LATENCY_MS: publishers, relays (both legs:
#   slt and ffmpeg through their scripts, Sluice through its target's srtConfig.latency) and sinks.
#   Publisher: peers/publish-srt.sh (ffmpeg x264 zerolatency 640x360@30 g=30 + AAC, MPEG-TS, caller).
#   Sink: peers/sink-srt.sh (GStreamer srtsrc listener; records, then ffprobe counts the frames).
#   Each leg is measured by its own peers/latency-media.sh srt:IN srt:OUT (dumpcap on lo, first capture
#   of each SRT sequence number, MPEG-TS -> H264 NAL units / AAC frames, matched IN -> OUT).
#   TSBPD: every SRT receiver, the relay's ingress socket included, holds each packet until its
#   timestamp + the agreed latency, so the added latency contains the ingress latency by design.
#   The agreed latency is read from the capture (the relay's handshake response, srt_rcv_latency in
#   lib.sh; libsrt agrees on the larger of both sides' settings) and
#     beyond TSBPD = added - agreed ingress latency   (what the relay itself adds)
#   is printed next to added - SRT_LATENCY_MS (the two differ when a relay does not honour the setting).
#   Also from the capture: the relay listener's handshake time (caller's conclusion request -> its
#   response). libsrt fixes a session's TSBPD time base while processing that request (after any listen
#   callback), so time spent there shifts the delivery of every packet of the session by up to as much:
#   "beyond TSBPD" = that per-session offset + the per-packet forwarding time (srt_listener_hs in lib.sh).
#   CPU: Sluice = utime+stime of the java process from /proc/PID/stat sampled right before the
#   publishers start and right after they end, max RSS = VmHWM; slt = its RELAY line (/proc, over its
#   lifetime, idle outside the window); ffmpeg = its RELAY line (/usr/bin/time, ends with its input).
#   cpu_pct = cpu_s / publish window * 100 (% of one core).
# Args:  RUNS (default 3), SECONDS publish duration (default 20)
# Env:   SRT_LATENCY_MS=120 (every socket)  RELAYS="sluice slt ffmpeg" (subset)
#        SEQUENTIAL=1 (legs one after another instead of together)
#        SLUICE_WARM_S=0 (>0: before the measurement, publish a throwaway session of that many seconds to
#          Sluice's path live/warm, so that the measured session is not the JVM's first SRT handshake:
#          a long-running server; default 0 = the first session after start)
#        WARMUP_S=8 TAIL_S=1 (latency-media.sh, as for the anchors of peers/README.md: ffmpeg probes
#          an MPEG-TS input for ~5 s, then bursts its backlog)
#        BENCH_KEEP=dir (keep logs per run; KEEP_PCAP=1 also keeps the pcaps)  SLUICE_JAVA_OPTS
# Prints per run, relay and codec:
#   BENCH name=sluice|slt|ffmpeg run=1 codec=H264|AAC srt_latency_ms=L tsbpd_in_ms=T hs_us=H matched=N p50_us= p99_us=
#     max_us= beyond_p50_us= beyond_p99_us= cpu_s= cpu_pct= rss_kb= recv_v= recv_a= window_s=
#   (beyond_* = p50/p99 - tsbpd_in_ms), NOTE lines (publisher/sink/relay problems, Sluice WARN/ERROR log
#   lines, a JVM that had to be killed), then BENCH_MEDIAN lines (medians over runs) and a markdown table.
set -u
RUNS=${1:-3}; SECS=${2:-20}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RELAYS=${RELAYS:-"sluice slt ffmpeg"}
SLUICE_WARM_S=${SLUICE_WARM_S:-0}
export SRT_LATENCY_MS=${SRT_LATENCY_MS:-120}
export WARMUP_S=${WARMUP_S:-8} TAIL_S=${TAIL_S:-1}
LAT=$SRT_LATENCY_MS
bench_workdir lat-srt
case " $RELAYS " in *" sluice "*) build_sluice || { echo "build failed" >&2; exit 1; };; esac
command -v tshark >/dev/null || { echo "needs tshark (agreed SRT latency from the handshake)" >&2; exit 2; }

field() { sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" <<<"$1" | head -1; }

# start_leg RELAY DIR : starts the meter, the sink and the relay of one leg (not the publisher).
# Writes $DIR/in.port (where the publisher goes) and appends to PIDS; the relay's pid goes to $DIR/relay.pid.
start_leg() {
  local r=$1 d=$2 IN K
  read -r IN K < <(free_udp_ports 2)
  echo "$IN" > "$d/in.port"; echo "$K" > "$d/out.port"
  local DUR=$((SECS + 14)) CAP=$((SECS + 10))
  if [ "$r" = sluice ]; then  # first, so that an optional warm-up session is over before the meter starts
    local RT U; RT=$(free_ports 1); U=$(free_udp_pair)
    SRT_PORT=$IN SLUICE_PATH=live/in sluice_conf "$d/sluice.yml" "$RT" "$U" "srt://127.0.0.1:$K?streamid=publish:live/out"
    echo "  live/warm: {}" >> "$d/sluice.yml"
    timeout -k 5 $((DUR + SLUICE_WARM_S + 40)) "$REPO/sluice" "$d/sluice.yml" > "$d/relay.log" 2>&1 &
    local SP=$!; PIDS+=($SP); echo $SP > "$d/relay.pid"
    local JP; JP=$(java_pid_of "$SP"); echo "$JP" > "$d/java.pid"; [ -n "$JP" ] && JAVA_PIDS+=("$JP")
    wait_udp_port "$IN" 600 || { echo "sluice did not start: $(tail -5 "$d/relay.log")" >&2; return 1; }
    if [ "$SLUICE_WARM_S" -gt 0 ]; then
      "$PEERS/publish-srt.sh" "srt://127.0.0.1:$IN" publish:live/warm "$SLUICE_WARM_S" > "$d/pub-warm.log" 2>&1
      sleep 1
    fi
  fi
  KEEP="$d/cap.pcap" timeout -k 5 $((CAP + 180)) "$PEERS/latency-media.sh" "srt:$IN" "srt:$K" "$CAP" \
    > "$d/lat.log" 2>&1 & PIDS+=($!); echo $! > "$d/lat.pid"
  timeout -k 5 $((DUR + 150)) "$PEERS/sink-srt.sh" "$K" "$DUR" > "$d/sink.log" 2>&1 & PIDS+=($!); echo $! > "$d/sink.pid"
  case "$r" in
    slt)
      OUT_STREAMID=publish:live/out timeout -k 5 $((DUR + 30)) "$PEERS/relay-slt.sh" "$IN" "srt://127.0.0.1:$K" \
        $((SECS + 8)) > "$d/relay.log" 2>&1 & PIDS+=($!); echo $! > "$d/relay.pid"
      wait_udp_port "$IN" || { echo "slt relay did not start" >&2; return 1; };;
    ffmpeg)
      OUT_STREAMID=publish:live/out timeout -k 5 $((DUR + 30)) "$PEERS/relay-ffmpeg.sh" "srt://127.0.0.1:$IN" \
        "srt://127.0.0.1:$K" $((SECS + 10)) > "$d/relay.log" 2>&1 & PIDS+=($!); echo $! > "$d/relay.pid"
      wait_udp_port "$IN" || { echo "ffmpeg relay did not start" >&2; return 1; };;
  esac
  wait_udp_port "$K" 150 || { echo "sink did not start ($r)" >&2; return 1; }
}

# finish_leg RELAY DIR RUN WINDOW_S CPU0 CPU1 : waits for the leg's peers, prints its BENCH lines
finish_leg() {
  local r=$1 d=$2 i=$3 win=$4 cpu_s rss pct
  wait "$(cat "$d/lat.pid")" 2>/dev/null
  if [ "$r" = sluice ]; then
    local jp; jp=$(cat "$d/java.pid")
    [ "$(stop_java "$jp" 5)" = hung ] && echo "NOTE run=$i sluice: the JVM did not exit within 5 s of SIGTERM (killed)"
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
  [ "${rv:-0}" -gt 0 ] && [ "${ra:-0}" -gt 0 ] || echo "NOTE run=$i $r: the sink received no video or no audio: ${rc:-no RECEIVED line}"
  local tin hs; read -r tin hs < <(srt_listener_hs "$d/cap.pcap" "$(cat "$d/in.port")")
  [ "$tin" != NA ] || { echo "NOTE run=$i $r: no handshake response of the relay's listener in the capture"; tin=""; }
  local codec line p50 p99
  for codec in H264 AAC; do
    line=$(grep -a "^LATENCY mode=unit codec=$codec " "$d/lat.log" | tail -1)
    [ -n "$line" ] || { echo "NOTE run=$i $r: no $codec latency line: $(grep -a -E 'LATENCY_ALL|error|Error' "$d/lat.log" | head -3)"; continue; }
    p50=$(field "$line" p50_us); p99=$(field "$line" p99_us)
    echo "BENCH name=$r run=$i codec=$codec srt_latency_ms=$LAT tsbpd_in_ms=${tin:-NA} hs_us=$hs matched=$(field "$line" matched)" \
      "p50_us=$p50 p99_us=$p99 max_us=$(field "$line" max_us)" \
      "beyond_p50_us=$(awk -v p="$p50" -v t="${tin:-$LAT}" 'BEGIN{printf "%d", p - 1000*t}')" \
      "beyond_p99_us=$(awk -v p="$p99" -v t="${tin:-$LAT}" 'BEGIN{printf "%d", p - 1000*t}')" \
      "cpu_s=$cpu_s cpu_pct=$pct rss_kb=${rss:-NA} recv_v=${rv:-0} recv_a=${ra:-0} window_s=$win" | tee -a "$W/results"
  done
  grep -a -h '^CAPTURE|' "$d/lat.log" | sed "s/^/NOTE run=$i $r /"
  grep -a '^LATENCY_ALL' "$d/lat.log" | tail -1 | sed "s/^/NOTE run=$i $r /"
  grep -a -h '^CALLER|' "$d/sink.log" | head -3 | sed "s/^/NOTE run=$i $r sink /"
  [ "$r" = sluice ] && grep -a -E 'WARN|ERROR|discarded' "$d/relay.log" | head -5 | sed "s/^/NOTE run=$i sluice: /"
  grep -a -h '^LOG|' "$d/relay.log" "$d/sink.log" 2>/dev/null | head -3 | sed "s/^/NOTE run=$i $r /"
  [ -n "${KEEP_PCAP:-}" ] || rm -f "$d/cap.pcap"
}

# legs RUN RELAY... : one measurement with the given relays running together
legs() {
  local i=$1; shift
  local r d
  PIDS=()
  for r in "$@"; do
    d="$W/run$i-$r"; mkdir -p "$d"
    start_leg "$r" "$d" || { for p in "${PIDS[@]}"; do kill_tree "$p"; done; sleep 0.5
                             for p in "${PIDS[@]}"; do kill_tree "$p" KILL; done; wait 2>/dev/null; return 1; }
  done
  sleep 1.5  # dumpcap must be capturing before the SRT handshakes (PAT/PMT and the agreed latency)
  local c0="" c1="" t0 t1 jp="" pubs=()
  [ -f "$W/run$i-sluice/java.pid" ] && jp=$(cat "$W/run$i-sluice/java.pid")
  [ -n "$jp" ] && c0=$(cpu_ticks "$jp")
  t0=$(date +%s.%N)
  for r in "$@"; do
    d="$W/run$i-$r"
    "$PEERS/publish-srt.sh" "srt://127.0.0.1:$(cat "$d/in.port")" publish:live/in "$SECS" > "$d/pub.log" 2>&1 &
    pubs+=($!); PIDS+=($!)
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

echo "# SRT latency $LAT ms on every socket; $RUNS run(s) x $SECS s; relays: $RELAYS; SLUICE_WARM_S=$SLUICE_WARM_S"
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
    sel() { grep -F "name=$r " "$W/results" | grep -F " codec=$codec " | sed -n "s/.* $1=\(-\{0,1\}[0-9.]*\).*/\1/p"; }
    n=$(sel p50_us | wc -l); [ "$n" -gt 0 ] || continue
    pct=$(sel cpu_pct | awk '{printf "%d\n", $1*10}' | median); pct=$(awk -v c="$pct" 'BEGIN{printf "%.1f", c/10}')
    echo "BENCH_MEDIAN name=$r codec=$codec runs=$n srt_latency_ms=$LAT tsbpd_in_ms=$(sel tsbpd_in_ms | median) hs_us=$(sel hs_us | median)" \
      "p50_us=$(sel p50_us | median) p99_us=$(sel p99_us | median)" \
      "beyond_p50_us=$(sel beyond_p50_us | median) beyond_p99_us=$(sel beyond_p99_us | median)" \
      "cpu_pct=$pct rss_kb=$(sel rss_kb | median) recv_v=$(sel recv_v | median) recv_a=$(sel recv_a | median)"
  done
done | tee "$W/medians"
echo
ms() { awk -v x="$1" 'BEGIN{ if (x == "" || x == "NA") print "NA"; else printf "%.2f", x/1000 }'; }
echo "| relay (SRT → SRT, latency $LAT ms) | agreed ingress TSBPD ms | listener handshake ms | video p50 ms | video p99 ms | audio p50 ms | audio p99 ms | video p50 / p99 beyond TSBPD ms | audio p50 / p99 beyond TSBPD ms | video p50 − $LAT ms | CPU % of a core | max RSS MB | frames at sink (v/a) | runs |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for r in $RELAYS; do
  v=$(grep -F "name=$r codec=H264 " "$W/medians"); a=$(grep -F "name=$r codec=AAC " "$W/medians")
  [ -n "$v$a" ] || continue
  label=$r; case "$r" in sluice) label="Sluice forward";; slt) label="srt-live-transmit";; ffmpeg) label="ffmpeg -c copy";; esac
  printf '| %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s | %s | %s | %s | %s/%s | %s |\n' "$label" \
    "$(field "${v:-$a}" tsbpd_in_ms)" "$(ms "$(field "${v:-$a}" hs_us)")" \
    "$(ms "$(field "$v" p50_us)")" "$(ms "$(field "$v" p99_us)")" "$(ms "$(field "$a" p50_us)")" "$(ms "$(field "$a" p99_us)")" \
    "$(ms "$(field "$v" beyond_p50_us)")" "$(ms "$(field "$v" beyond_p99_us)")" \
    "$(ms "$(field "$a" beyond_p50_us)")" "$(ms "$(field "$a" beyond_p99_us)")" \
    "$(awk -v x="$(field "$v" p50_us)" -v l="$LAT" 'BEGIN{ if (x == "" || x == "NA") print "NA"; else printf "%.2f", x/1000 - l }')" \
    "$(field "${v:-$a}" cpu_pct)" "$(awk -v x="$(field "${v:-$a}" rss_kb)" 'BEGIN{printf "%.0f", x/1024}')" \
    "$(field "$v" recv_v)" "$(field "$a" recv_a)" "$(field "${v:-$a}" runs)"
done
