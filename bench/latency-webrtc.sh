#!/usr/bin/env bash
# bench/latency-webrtc.sh [RUNS] [SECONDS]
#   Latency added by one WHIP publisher -> relay -> WHIP target hop, for Sluice and an anchor relay built
#   from GStreamer's webrtcbin, measured the same way in each run, one leg after the other (each leg with
#   its own publisher, sink and capture; WebRTC over loopback UDP, ICE restricted to 127.0.0.1):
#     sluice: publish-whip.sh -> Sluice http://127.0.0.1:H/live/in/whip (ICE UDP mux webrtcLocalUDPAddress :U)
#               --forwardTargets whip://127.0.0.1:K/live/out/whip-->  sink-whip.sh :K
#     gst:    publish-whip.sh -> bench/webrtc-relay-gst.py :H (webrtcbin in -> RTP as received -> webrtcbin
#               out, RELAY_LATENCY_MS jitterbuffer, webrtcbin's clocksync pacing off)  -->  sink-whip.sh :K
#   Publisher: peers/publish-whip.sh (python3 + webrtcbin: x264 zerolatency constrained-baseline 640x360@30
#   g=30 + Opus 20 ms 64 kbit/s, sendonly, max-bundle). Sink: peers/sink-whip.sh (webrtcbin WHIP server,
#   decodes every track, prints RECEIVED video=.. frames=N audio=.. frames=M).
#   Meter: dumpcap on lo (all UDP, first 200 bytes of each frame) for the leg, then bench/webrtc-latency.py
#   with the relay's own UDP ports (its ICE ports, plus every UDP socket of the relay process seen by
#   `ss -p` in the middle of the publish window): RTP headers are in clear under SRTP, so flows INTO those
#   ports are paired with flows OUT of them by RTP timestamp (the offset a relay may add found by unit
#   shapes, or by timing; see the script's header), and each unit (all packets of one RTP timestamp: a
#   video frame, an Opus packet) gets latency = capture time of its last packet out - its last packet in.
#   The first WARMUP_S seconds after the first packet in are skipped (ICE/DTLS to the target, Sluice's GOP
#   replay to a new target, JIT), and the last TAIL_S.
#   CPU: utime+stime of the relay process (Sluice's JVM; the gst relay's python3) from /proc/PID/stat
#   sampled right before the publisher starts and right after it ends; max RSS = VmHWM then.
#   cpu_pct = cpu_s / publish window * 100 (% of one core).
#   A relay/codec whose sink decoded nothing (RECEIVED frames=0) is reported failed (status=failed, no
#   latency figure) and left out of the medians, whatever the capture says.
# Args:  RUNS (default 3), SECONDS publish duration (default 20)
# Env:   RELAYS="sluice gst" (subset / order)  RELAY_LATENCY_MS=0 (gst relay's receiving jitterbuffer)
#        RELAY_CLOCKSYNC=0 (1 = keep webrtcbin's clocksync pacing in the gst relay)
#        WARMUP_S=5 TAIL_S=1 (meter)  BENCH_KEEP=dir (keep logs per run; KEEP_PCAP=1 also keeps the pcaps)
#        SLUICE_JAVA_OPTS  START_SLACK_S=0 (more time for the relay and sink to start: a loaded machine, a
#        profiler agent)
# Prints per run, relay and codec:
#   BENCH name=sluice|gst run=1 codec=H264|OPUS status=ok matched=N p50_us= p90_us= p99_us= max_us= lost_in=
#     units_out= offset_by=shape|timing cpu_s= cpu_pct= rss_kb= recv_v= recv_a= window_s=
#   (matched = units measured, after warm-up; lost_in = units that entered after warm-up and never left;
#   units_out = all units the relay sent to the sink; recv_v/recv_a = frames the sink decoded)
#   or BENCH ... status=failed reason=..., NOTE lines (publisher/sink/relay problems, Sluice WARN/ERROR
#   log lines, the meter's PAIR lines), then BENCH_MEDIAN lines (medians over the ok runs), the load
#   average and a markdown table.
set -u
RUNS=${1:-3}; SECS=${2:-20}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RELAYS=${RELAYS:-"sluice gst"}
export WARMUP_S=${WARMUP_S:-5} TAIL_S=${TAIL_S:-1}
START_SLACK_S=${START_SLACK_S:-0}
export RELAY_LATENCY_MS=${RELAY_LATENCY_MS:-0} RELAY_CLOCKSYNC=${RELAY_CLOCKSYNC:-0}
bench_workdir lat-webrtc
case " $RELAYS " in *" sluice "*) build_sluice || { echo "build failed" >&2; exit 1; };; esac
command -v dumpcap >/dev/null || { echo "needs dumpcap" >&2; exit 2; }

field() { sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" <<<"$1" | head -1; }

# leg RELAY RUN : one measurement of one relay: sink, relay, capture, publisher; prints its BENCH lines
leg() {
  local r=$1 i=$2 d="$W/run$2-$1" H K U UI UO rp pp="" DUR=$((SECS + 16 + START_SLACK_S)) CAP=$((SECS + 6))
  mkdir -p "$d"
  PIDS=()
  read -r H K < <(free_ports 2)
  timeout -k 5 $((DUR + 20)) "$PEERS/sink-whip.sh" "$K" "$DUR" > "$d/sink.log" 2>&1 & PIDS+=($!); local SK=$!
  case "$r" in
    sluice)
      local RT UP; RT=$(free_ports 1); UP=$(free_udp_pair); U=$(free_udp_ports 1); pp=$U
      { WEBRTC_PORT=$H WEBRTC_UDP_PORT=$U sluice_listeners "$RT" "$UP"
        echo "paths:"
        echo "  live/in:"
        echo "    forwardTargets:"
        echo "      - {url: whip://127.0.0.1:$K/live/out/whip}"; } > "$d/sluice.yml"
      timeout -k 5 $((DUR + 30)) "$REPO/sluice" "$d/sluice.yml" > "$d/relay.log" 2>&1 &
      local SP=$!; PIDS+=($SP)
      rp=$(java_pid_of "$SP"); [ -n "$rp" ] && JAVA_PIDS+=("$rp");;
    gst)
      read -r UI UO < <(free_udp_ports 2); pp="$UI,$UO"
      IN_UDP_PORT=$UI OUT_UDP_PORT=$UO timeout -k 5 $((DUR + 15)) "$PY" "$BENCH_DIR/webrtc-relay-gst.py" "$H" \
        "http://127.0.0.1:$K/live/out/whip" $((DUR - 2)) > "$d/relay.log" 2> >(grep -av -E 'CRITICAL|^\s*$' > "$d/relay.err") &
      local GP=$!; PIDS+=($GP)
      rp=$(proc_pid_of "$GP" webrtc-relay-gst.py);;
  esac
  echo "$rp" > "$d/relay.pid"
  if ! wait_port "$H" $((600 + 10 * START_SLACK_S)) || ! wait_port "$K" $((150 + 10 * START_SLACK_S)) || [ -z "$rp" ]; then
    echo "NOTE run=$i $r: relay or sink did not start: $(tail -3 "$d/relay.log" | tr '\n' ' ')"
    echo "BENCH name=$r run=$i codec=H264 status=failed reason=start" | tee -a "$W/results"
    echo "BENCH name=$r run=$i codec=OPUS status=failed reason=start" | tee -a "$W/results"
    for p in "${PIDS[@]}"; do kill_tree "$p"; done; wait 2>/dev/null; return 1
  fi
  timeout -k 2 $((CAP + 5)) dumpcap -q -i lo -P -B 64 -s 200 -a "duration:$CAP" -f udp -w "$d/cap.pcap" \
    2> "$d/dumpcap.log" & PIDS+=($!); local CP=$!
  sleep 1.5   # dumpcap capturing before the first packet
  local c0 c1 t0 t1 win cpu_s pct rss
  c0=$(cpu_ticks "$rp"); t0=$(date +%s.%N)
  "$PEERS/publish-whip.sh" "http://127.0.0.1:$H/live/in/whip" "$SECS" > "$d/pub.log" 2>&1 & PIDS+=($!); local PB=$!
  sleep $((SECS / 2))
  local ports; ports=$(udp_ports_of "$rp")
  wait "$PB"
  t1=$(date +%s.%N); c1=$(cpu_ticks "$rp"); rss=$(vmhwm_kb "$rp")
  win=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')
  cpu_s=$(awk -v a="$c0" -v b="$c1" -v t="$CLK_TCK" 'BEGIN{printf "%.2f", (b-a)/t}')
  pct=$(awk -v c="$cpu_s" -v w="$win" 'BEGIN{printf "%.1f", (w > 0) ? 100*c/w : 0}')
  wait "$CP" 2>/dev/null
  if [ "$r" = sluice ]; then
    [ "$(stop_java "$rp" 5)" = hung ] && echo "NOTE run=$i sluice: the JVM did not exit within 5 s of SIGTERM (killed)"
  fi
  timeout $((DUR + 30)) tail --pid="$SK" -f /dev/null
  [ "$r" = gst ] && timeout 10 tail --pid="$rp" -f /dev/null
  pp="$pp${ports:+,$ports}"
  timeout 300 "$PY" "$BENCH_DIR/webrtc-latency.py" "$d/cap.pcap" --in "$pp" --out "$pp" > "$d/lat.log" 2>&1
  local rc rv ra
  rc=$(grep -a '^RECEIVED' "$d/sink.log" | tail -1)
  rv=$(sed -n 's/.*video=[^ ]* frames=\([0-9]*\).*/\1/p' <<<"$rc"); ra=$(sed -n 's/.*audio=[^ ]* frames=\([0-9]*\).*/\1/p' <<<"$rc")
  grep -a '^PUBLISHED' "$d/pub.log" | grep -v ' rc=0 ' | sed "s/^/NOTE run=$i $r publisher: /"
  grep -a -iE 'drop|error' "$d/dumpcap.log" | grep -v '/0 (pcap:0/dumpcap:0/flushed:0/ps_ifdrop:0)' |
    sed "s/^/NOTE run=$i $r dumpcap: /"   # the summary line, when something was dropped
  local codec kind line frames off
  for codec in H264 OPUS; do
    if [ "$codec" = H264 ]; then frames=${rv:-0}; kind=video; else frames=${ra:-0}; kind=audio; fi
    line=$(grep -a "^LATENCY mode=unit codec=$codec " "$d/lat.log" | tail -1)
    off=$(grep -a "^PAIR kind=$kind .* used$" "$d/lat.log" | sed -n 's/.* offset_by=\([a-z]*\).*/\1/p' | head -1)
    if [ "$frames" -eq 0 ]; then
      echo "BENCH name=$r run=$i codec=$codec status=failed reason=sink_decoded_nothing recv_v=${rv:-0} recv_a=${ra:-0}" \
        "(${rc:-no RECEIVED line})" | tee -a "$W/results"
    elif [ -z "$line" ] || [ "$(field "$line" matched)" -eq 0 ]; then
      echo "BENCH name=$r run=$i codec=$codec status=failed reason=no_latency_line recv_v=${rv:-0} recv_a=${ra:-0}" \
        "($(grep -a -E '^LATENCY_ALL|^PAIR' "$d/lat.log" | tr '\n' ' ' | cut -c1-400))" | tee -a "$W/results"
    else
      echo "BENCH name=$r run=$i codec=$codec status=ok matched=$(field "$line" matched) p50_us=$(field "$line" p50_us)" \
        "p90_us=$(field "$line" p90_us) p99_us=$(field "$line" p99_us) max_us=$(field "$line" max_us)" \
        "lost_in=$(field "$line" lost_in) units_out=$(field "$line" out) offset_by=${off:-NA} cpu_s=$cpu_s cpu_pct=$pct rss_kb=${rss:-NA}" \
        "recv_v=${rv:-0} recv_a=${ra:-0} window_s=$win" | tee -a "$W/results"
    fi
  done
  grep -a '^PAIR .* used$' "$d/lat.log" | sed "s/^/NOTE run=$i $r /"
  grep -a '^PAIR' "$d/lat.log" | grep -v ' used$' | grep -F " in_port=" | grep -E "out_port=(${pp//,/|}) " |
    sed "s/^/NOTE run=$i $r unused /"
  [ "$r" = sluice ] && grep -a -E 'WARN|ERROR' "$d/relay.log" | head -5 | sed "s/^/NOTE run=$i sluice: /"
  [ "$r" = gst ] && { grep -a -E 'error|warning|failed' "$d/relay.log" | head -3; grep -a '^RELAY ' "$d/relay.log"; } |
    sed "s/^/NOTE run=$i gst: /"
  [ -n "${KEEP_PCAP:-}" ] || rm -f "$d/cap.pcap"
  for p in "${PIDS[@]}"; do kill_tree "$p"; done
  wait 2>/dev/null
}

echo "# WebRTC (WHIP -> relay -> WHIP) $RUNS run(s) x $SECS s; relays: $RELAYS; gst relay latency=$RELAY_LATENCY_MS ms" \
  "clocksync=$RELAY_CLOCKSYNC; WARMUP_S=$WARMUP_S TAIL_S=$TAIL_S; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
LOADS=()
for i in $(seq 1 "$RUNS"); do
  for r in $RELAYS; do
    leg "$r" "$i"
    LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
  done
done
[ -s "$W/results" ] || { echo "no results" >&2; exit 1; }

for r in $RELAYS; do
  for codec in H264 OPUS; do
    sel() { grep -F "name=$r " "$W/results" | grep -F " codec=$codec status=ok " | sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
    n=$(sel p50_us | wc -l)
    nf=$(grep -F "name=$r " "$W/results" | grep -cF " codec=$codec status=failed ")
    if [ "$n" -eq 0 ]; then echo "BENCH_MEDIAN name=$r codec=$codec runs=0 failed=$nf"; continue; fi
    pct=$(sel cpu_pct | awk '{printf "%d\n", $1*10}' | median); pct=$(awk -v c="$pct" 'BEGIN{printf "%.1f", c/10}')
    echo "BENCH_MEDIAN name=$r codec=$codec runs=$n failed=$nf p50_us=$(sel p50_us | median) p90_us=$(sel p90_us | median)" \
      "p99_us=$(sel p99_us | median) max_us=$(sel max_us | median) lost_in=$(sel lost_in | median)" \
      "units_out=$(sel units_out | median) cpu_pct=$pct" \
      "rss_kb=$(sel rss_kb | median) recv_v=$(sel recv_v | median) recv_a=$(sel recv_a | median)"
  done
done | tee "$W/medians"
echo "# load average (1 min) after each leg: ${LOADS[*]}; now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
ms() { awk -v x="$1" 'BEGIN{ if (x == "" || x == "NA") print "NA"; else printf "%.2f", x/1000 }'; }
echo "| relay (WHIP → WHIP) | video p50 ms | video p99 ms | audio p50 ms | audio p99 ms | CPU % of a core | max RSS MB | units sent to the sink (v/a) | frames decoded at sink (v/a) | runs ok (v/a) | failed (v/a) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for r in $RELAYS; do
  v=$(grep -F "name=$r codec=H264 " "$W/medians"); a=$(grep -F "name=$r codec=OPUS " "$W/medians")
  label=$r; case "$r" in sluice) label="Sluice forward";; gst) label="GStreamer webrtcbin relay";; esac
  any=$v; [ "$(field "$v" runs)" = 0 ] && any=$a
  printf '| %s | %s | %s | %s | %s | %s | %s | %s/%s | %s/%s | %s/%s | %s/%s |\n' "$label" \
    "$(ms "$(field "$v" p50_us)")" "$(ms "$(field "$v" p99_us)")" "$(ms "$(field "$a" p50_us)")" "$(ms "$(field "$a" p99_us)")" \
    "$(field "$any" cpu_pct)" "$(awk -v x="$(field "$any" rss_kb)" 'BEGIN{ if (x == "") print "NA"; else printf "%.0f", x/1024}')" \
    "$(field "$v" units_out)" "$(field "$a" units_out)" "$(field "$v" recv_v)" "$(field "$a" recv_a)" "$(field "$v" runs)" "$(field "$a" runs)" "$(field "$v" failed)" "$(field "$a" failed)"
done
