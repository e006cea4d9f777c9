#!/usr/bin/env bash
# bench/fanout-srt.sh
#   CPU per forwarded SRT stream: Sluice's srt:// forwardTargets vs srt-live-transmit, for N streams x T
#   targets, with the same method as fanout-rtmp.sh: the relay pinned to core 1 (taskset -c 1: every
#   thread of it, libsrt's included), every peer pinned to core 0.
#   Source: the cached 20 s H264 640x360@30 g=30 1 Mbit/s + AAC 64k file of fanout-rtsp.sh
#     (cached_source in lib.sh), looped with `ffmpeg -re -stream_loop -1 -c copy -f mpegts` (no encoding).
#   Targets: ONE bench/srt-sink.py process (libsrt listener, accepts every caller, counts bytes, loss and
#     too-late drops per session); every forwarded session is a distinct caller with streamid
#     publish:t<j>/s<i>.
#   Relays (every SRT socket with latency SRT_LATENCY_MS):
#     sluice: N paths live/s<i>, each with T forwardTargets srt://sink?streamid=publish:t<j>/s<i>; one
#             publisher per stream (ffmpeg SRT caller, streamid publish:live/s<i>) to Sluice's srtAddress.
#             Sluice receives each stream once and sends it T times.
#     slt:    N x T srt-live-transmit processes (srt-live-transmit has one input and one output, so this is
#             the closest C equivalent: one process per forward, listener -> caller, the anchor relay of
#             peers/relay-slt.sh), and one publisher per stream that sends the same TS to its T relays
#             (`ffmpeg -f tee`, T SRT callers). Each slt process receives its own copy: per forward it
#             does one SRT receive + one SRT send, where Sluice does 1/T receive + one send.
#   Each step: start sink + relay(s), start the N publishers, wait WARM_S (JIT, connections, GOP-cache
#     burst), then measure over MEASURE_S: relay CPU (utime+stime from /proc/PID/stat, summed over the slt
#     processes), core 0 busy time (/proc/stat, to show the peers had room), and the bytes every sink
#     session received (two snapshots of srt-sink.py, SIGUSR1). Memory: Pss (smaps_rollup) summed over the
#     relay processes at the end of the window (Pss splits shared library pages, so 64 slt processes are
#     not counted 64 times for libsrt).
#   sessions = target sessions (distinct stream ids) that received data in the window; clean = every one
#     of the N x T sessions present and receiving at >= 90 % of the source file's bit rate (MPEG-TS adds
#     ~10 % on top of it), no too-late drop at the sink in the window, no "discarded" in Sluice's log,
#     every relay process alive, relay core < 95 %. A step that is not clean prints NOTE lines (slowest
#     sessions, relay log warnings).
#   us_per_fwd_s = µs of relay CPU per forwarded stream-second = relay CPU s / (forwards x window s) x 1e6.
#   Sluice's virtual-thread scheduler: each srt:// forward target's runner is a virtual thread that waits
#     in libsrt's blocking receive (SrtDest.waitUntilBroken), which pins its carrier thread for as long as
#     the target is connected. With the JVM's default parallelism (one carrier per CPU, 2 here) the 3rd
#     and later SRT targets never get a carrier: they connect but get no data, and when one of them is
#     descheduled inside Stream.addReader it holds the stream's lock and the publisher's event loop
#     blocks on it, stopping every reader of the path (see README, "SRT fan-out"). VT_PARALLELISM
#     (default: forwards + 8) raises -Djdk.virtualThreadScheduler.parallelism so that every target has
#     a carrier, which is what makes the measurement possible; VT_PARALLELISM=0 keeps the JVM default
#     (and shows the problem).
# Env: WARM_S=8 MEASURE_S=10 STREAMS="1 4 8 16" TARGETS=4 RELAYS="sluice slt" VBITRATE=1M
#      SRT_LATENCY_MS=120 VT_PARALLELISM (see above) BENCH_KEEP=dir
# Prints: FANOUT relay= streams= targets= forwards= sessions= reconnects= sink_mbit_s= min_sess_kbit_s=
#   drop= loss= cpu_pct= us_per_fwd_s= pss_mb= procs= core0_pct= vt_par= clean=0|1 per step, then a markdown table
#   (vt_par = the Sluice JVM's virtual-thread parallelism, 0 = JVM default, - for slt).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WARM_S=${WARM_S:-8}; MEASURE_S=${MEASURE_S:-10}; STREAMS=${STREAMS:-"1 4 8 16"}; TARGETS=${TARGETS:-4}
RELAYS=${RELAYS:-"sluice slt"}; VBITRATE=${VBITRATE:-1M}
LAT=${SRT_LATENCY_MS:-120}; export SRT_LATENCY_MS=$LAT
command -v srt-live-transmit >/dev/null || { echo "needs srt-live-transmit (apt-get install srt-tools)" >&2; exit 2; }
bench_workdir fan-srt
case " $RELAYS " in *" sluice "*) build_sluice || { echo "build failed" >&2; exit 1; };; esac
SRC=$(cached_source "$VBITRATE") || exit 1
SRC_KBIT=$(timeout 60 ffprobe -v error -show_entries format=bit_rate -of default=nw=1:nk=1 "$SRC" | awk '{ printf "%d", $1 / 1000 }')
SRTQ="mode=caller&pkt_size=1316&latency=$((LAT * 1000))"   # ffmpeg's latency is in µs

# child_of PID -> the (first) child process of PID (the program under `timeout`), waiting for it briefly
child_of() {
  local i c
  for i in $(seq 1 50); do c=$(pgrep -P "$1" | head -1); [ -n "$c" ] && { echo "$c"; return; }; sleep 0.05; done
}

# snap_sessions LOG N -> "sid bytes" per stream id (sum over its sessions) of snapshot N of srt-sink.py
snap_sessions() {
  awk -v n="$2" '$1 == "SESS" && $2 == "snap=" n {
      sid = ""; b = 0
      for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "sid") sid = substr($i, 5); if (kv[1] == "bytes") b = kv[2] }
      by[sid] += b }
    END { for (s in by) print s, by[s] }' "$1"
}
snap_total() { # LOG N FIELD -> sum of FIELD over the sessions of snapshot N
  awk -v n="$2" -v f="$3" '$1 == "SESS" && $2 == "snap=" n { for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) t += kv[2] } }
    END { print t + 0 }' "$1"
}
wait_snap() { # LOG N : until snapshot N is complete
  local i; for i in $(seq 1 50); do grep -q "^END snap=$2\$" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1
}

step() { # relay streams targets
  local r=$1 ns=$2 nt=$3 d="$W/$1-$2x$3"; mkdir -p "$d"
  local K; K=$(free_udp_ports 1)
  local DUR=$((WARM_S + MEASURE_S + 30)) s t
  PIDS=()
  taskset -c 0 timeout -k 3 "$DUR" "$PY" "$BENCH_DIR/srt-sink.py" "$K" $((DUR - 5)) "$LAT" > "$d/sink.log" 2> "$d/sink.err" &
  local KT=$!; PIDS+=($KT)
  wait_udp_port "$K" 100 || { echo "sink did not start: $(cat "$d/sink.err")" >&2; return 1; }
  local KP; KP=$(child_of "$KT")
  local RPS=() JP="" PUBS=()
  case "$r" in
    sluice)
      local RT U IN; RT=$(free_ports 1); U=$(free_udp_pair); IN=$(free_udp_ports 1)
      {
        SRT_PORT=$IN sluice_listeners "$RT" "$U"
        echo "paths:"
        for s in $(seq 1 "$ns"); do
          echo "  live/s$s:"; echo "    forwardTargets:"
          for t in $(seq 1 "$nt"); do
            echo "      - {url: \"srt://127.0.0.1:$K?streamid=publish:t$t/s$s\", srtConfig: {latency: $LAT}}"
          done
        done
      } > "$d/sluice.yml"
      local vtp=${VT_PARALLELISM:-$((ns * nt + 8))} jopts=${SLUICE_JAVA_OPTS:-}
      [ "$vtp" -gt 0 ] && jopts="$jopts -Djdk.virtualThreadScheduler.parallelism=$vtp"
      echo "$vtp" > "$d/vt_parallelism"
      SLUICE_JAVA_OPTS=$jopts taskset -c 1 timeout -k 5 "$DUR" "$REPO/sluice" "$d/sluice.yml" > "$d/relay.log" 2>&1 &
      local SP=$!; PIDS+=($SP)
      JP=$(java_pid_of "$SP"); [ -n "$JP" ] && { JAVA_PIDS+=("$JP"); RPS=("$JP"); }
      wait_udp_port "$IN" 300 || { echo "sluice did not start: $(tail -3 "$d/relay.log")" >&2; return 1; }
      for s in $(seq 1 "$ns"); do
        taskset -c 0 timeout -k 2 $((WARM_S + MEASURE_S + 5)) ffmpeg -hide_banner -nostdin -loglevel error -re \
          -stream_loop -1 -i "$SRC" -map 0:v -map 0:a -c copy -f mpegts \
          "srt://127.0.0.1:$IN?$SRTQ&streamid=publish:live/s$s" > "$d/pub-$s.log" 2>&1 &
        PIDS+=($!); PUBS+=($!)
      done;;
    slt)
      local ports; read -r -a ports < <(free_udp_ports $((ns * nt)))
      local k=0 P
      for s in $(seq 1 "$ns"); do
        for t in $(seq 1 "$nt"); do
          P=${ports[$k]}; k=$((k + 1))
          taskset -c 1 timeout -s INT -k 3 "$DUR" srt-live-transmit -a:yes -c:1456 \
            "srt://127.0.0.1:$P?mode=listener&latency=$LAT" \
            "srt://127.0.0.1:$K?mode=caller&latency=$LAT&streamid=publish:t$t/s$s" > "$d/slt-$s-$t.log" 2>&1 &
          local TP=$!; PIDS+=($TP); RPS+=("$(child_of "$TP")")
        done
      done
      k=0
      for s in $(seq 1 "$ns"); do
        local tee=""
        for t in $(seq 1 "$nt"); do
          tee+="${tee:+|}[f=mpegts:onfail=ignore]srt://127.0.0.1:${ports[$k]}?$SRTQ"; k=$((k + 1))
          wait_udp_port "${ports[$((k - 1))]}" 50 || echo "NOTE slt relay on ${ports[$((k - 1))]} is not listening" >&2
        done
        taskset -c 0 timeout -k 2 $((WARM_S + MEASURE_S + 5)) ffmpeg -hide_banner -nostdin -loglevel error -re \
          -stream_loop -1 -i "$SRC" -map 0:v -map 0:a -c copy -f tee "$tee" > "$d/pub-$s.log" 2>&1 &
        PIDS+=($!); PUBS+=($!)
      done;;
  esac
  sleep "$WARM_S"
  local t0 t1 c0=0 c1=0 z0 z1 p pss=0
  kill -USR1 "$KP"; for p in "${RPS[@]}"; do c0=$((c0 + $(cpu_ticks "$p"))); done
  z0=$(core_busy_ticks 0); t0=$(date +%s.%N)
  sleep "$MEASURE_S"
  kill -USR1 "$KP"; for p in "${RPS[@]}"; do c1=$((c1 + $(cpu_ticks "$p"))); done
  z1=$(core_busy_ticks 0); t1=$(date +%s.%N)
  for p in "${RPS[@]}"; do pss=$((pss + $(pss_kb "$p"))); done
  wait_snap "$d/sink.log" 2 || echo "NOTE $r ${ns}x$nt: no second sink snapshot" >&2
  local alive=0; for p in "${RPS[@]}"; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
  for p in "${PUBS[@]}"; do kill_tree "$p"; done   # publishers first: their logs then show only real errors
  sleep 0.3
  [ "$r" = sluice ] && [ -n "$JP" ] && stop_java "$JP" 3 > /dev/null
  for p in "${PIDS[@]}"; do kill_tree "$p"; done
  sleep 0.3
  for p in "${PIDS[@]}"; do kill_tree "$p" KILL; done
  wait 2>/dev/null
  local disc=0; [ "$r" = sluice ] && disc=$(grep -a -c 'discarded' "$d/relay.log")
  [ "$r" = sluice ] && grep -a -E 'WARN|ERROR' "$d/relay.log" | grep -v 'srt_accept: listener socket' | head -3 | sed "s/^/NOTE $r ${ns}x$nt: /" >&2
  snap_sessions "$d/sink.log" 1 > "$d/s1"; snap_sessions "$d/sink.log" 2 > "$d/s2"
  local sess_total; sess_total=$(grep -c '^SESS snap=2 ' "$d/sink.log")
  local drop=$(( $(snap_total "$d/sink.log" 2 drop) - $(snap_total "$d/sink.log" 1 drop) ))
  local loss=$(( $(snap_total "$d/sink.log" 2 loss) - $(snap_total "$d/sink.log" 1 loss) ))
  # bytes per stream id received during the window, smallest first
  awk 'FNR == NR { a[$1] = $2; next } { d = $2 - ($1 in a ? a[$1] : 0); if (d > 0) print d }' "$d/s1" "$d/s2" | sort -n > "$d/deltas"
  local n mn med by
  n=$(grep -c . "$d/deltas"); mn=$(head -1 "$d/deltas"); med=$(median < "$d/deltas"); by=$(awk '{ t += $1 } END { print t + 0 }' "$d/deltas")
  awk -v r="$r" -v ns="$ns" -v nt="$nt" -v tck="$CLK_TCK" -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" \
      -v z0="$z0" -v z1="$z1" -v st="$sess_total" -v drop="$drop" -v loss="$loss" -v disc="$disc" -v pss="$pss" \
      -v procs="${#RPS[@]}" -v alive="$alive" -v src="$SRC_KBIT" -v vtp="$(cat "$d/vt_parallelism" 2>/dev/null || echo -)" -v n="$n" -v mn="${mn:-0}" -v m="$med" -v by="$by" 'BEGIN {
      dt = t1 - t0; cpu = (c1 - c0) / tck; f = ns * nt
      pct = dt > 0 ? 100 * cpu / dt : 0
      clean = (n == f && (dt > 0 ? mn * 8 / dt / 1e3 : 0) >= 0.9 * src && drop == 0 && disc == 0 && pct < 95 && alive == procs) ? 1 : 0
      printf "FANOUT relay=%s streams=%d targets=%d forwards=%d sessions=%d reconnects=%d sink_mbit_s=%.1f min_sess_kbit_s=%.0f drop=%d loss=%d cpu_pct=%.1f us_per_fwd_s=%.0f pss_mb=%.0f procs=%d core0_pct=%.1f discarded=%d vt_par=%s clean=%d\n", \
        r, ns, nt, f, n, (st > f ? st - f : 0), (dt > 0 ? by * 8 / dt / 1e6 : 0), (dt > 0 ? mn * 8 / dt / 1e3 : 0), \
        drop, loss, pct, (f > 0 && dt > 0 ? cpu * 1e6 / (f * dt) : 0), pss / 1024, procs, \
        (dt > 0 ? 100 * (z1 - z0) / tck / dt : 0), disc, vtp, clean }' | tee "$d/result"
  if grep -q 'clean=0' "$d/result"; then
    awk 'FNR == NR { a[$1] = $2; next } { print $1, $2 - ($1 in a ? a[$1] : 0) }' "$d/s1" "$d/s2" | sort -k2 -n | head -3 |
      sed "s/^/NOTE $r ${ns}x$nt slowest session (bytes in window): /" >&2
    grep -a -E 'WARN|ERROR' "$d/relay.log" 2>/dev/null | grep -v 'srt_accept: listener socket' | head -5 | sed "s/^/NOTE $r ${ns}x$nt: /" >&2
    grep -h -i -E 'error|fail' "$d"/pub-*.log "$d"/slt-*.log 2>/dev/null | sort | uniq -c | sort -rn | head -3 | sed "s/^/NOTE $r ${ns}x$nt peers: /" >&2
  fi
}

echo "# SRT fan-out: latency $LAT ms, ${TARGETS} targets per stream, streams: $STREAMS; WARM_S=$WARM_S MEASURE_S=$MEASURE_S; source $SRC_KBIT kbit/s; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for ns in $STREAMS; do
  for r in $RELAYS; do step "$r" "$ns" "$TARGETS"; done
done | tee "$W/results"

fld() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
echo
echo "| streams × targets | forwards | relay | processes on core 1 | sessions at sink | sink Mbit/s | relay CPU (% of core 1) | µs CPU per forwarded stream-second | relay Pss MB | core 0 busy | Sluice VT parallelism | clean |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
while read -r line; do
  [ -n "$line" ] || continue
  label=$(fld "$line" relay); case "$label" in sluice) label="Sluice forward";; slt) label="srt-live-transmit";; esac
  printf '| %s × %s | %s | %s | %s | %s | %s | %s %% | %s | %s | %s %% | %s | %s |\n' "$(fld "$line" streams)" "$(fld "$line" targets)" \
    "$(fld "$line" forwards)" "$label" "$(fld "$line" procs)" "$(fld "$line" sessions)" "$(fld "$line" sink_mbit_s)" \
    "$(fld "$line" cpu_pct)" "$(fld "$line" us_per_fwd_s)" "$(fld "$line" pss_mb)" "$(fld "$line" core0_pct)" \
    "$(v=$(fld "$line" vt_par); case "$v" in 0) echo "JVM default";; *) echo "$v";; esac)" \
    "$(case "$line" in *clean=1*) echo yes;; *) echo no;; esac)"
done < <(grep '^FANOUT ' "$W/results")
