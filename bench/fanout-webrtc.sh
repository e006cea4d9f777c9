#!/usr/bin/env bash
# bench/fanout-webrtc.sh [part]   part = a | b | all (default all)
#   Fan-out cost of Sluice's WebRTC forwarding (whip:// forwardTargets), with the method of fanout-rtsp.sh:
#   Sluice pinned to core 1 (taskset -c 1: every thread of it, GC, JIT and ice4j's included), every peer
#   pinned to core 0.
#   Publisher: the cached 20 s H264 (640x360@30, g=30, 1 Mbit/s) + Opus 64k (20 ms frames) file of
#     lib.sh (cached_source VBITRATE opus; WebRTC carries no AAC), looped with
#     `ffmpeg -re -stream_loop -1 -c copy -f rtsp` over TCP (no encoding).
#   Targets: bench/whip-count-sink.py, python3 processes each hosting up to SINK_SESSIONS WHIP sessions in
#     GStreamer webrtcbins (libnice ICE, DTLS, SRTP: a third-party stack; nothing decoded), counting per
#     session RTP packets (video, audio), bytes, sequence gaps after the jitter buffer (= lost), packets
#     its jitter buffers dropped as late, and the video lag growth. Target j of stream i is
#     whip://127.0.0.1:SINK/s<i>/t<j>/whip; forwards are dealt round-robin over the sink processes.
#   Each step: start the sinks and Sluice, start the publishers PUB_GAP_S apart (each one makes Sluice open
#     its targets: HTTP POST, ICE, DTLS), wait until every session receives video and audio (at most
#     SETUP_S; ready_s = how long it took from the first publisher), wait WARM_S (JIT, GOP-cache start
#     burst), then measure over MEASURE_S: Sluice CPU (utime+stime from /proc/PID/stat), the sinks' CPU,
#     core 0 busy time (/proc/stat: whether the peers had room), and what every session received (two
#     status snapshots, SIGUSR1). cpu_us_per_pkt = Sluice CPU / forwarded RTP packets received by the
#     sinks; us_per_fwd_s = Sluice CPU per forwarded stream-second (µs).
#   (a) an idle step (Sluice with no publisher, subtracted in the table), then one stream, N targets for N
#       in FANOUT_N (default "1 4 16"), REPEAT times each.
#   (b) streams x TARGETS_B targets (default 4), streams in STREAMS_B (default "4 8 12 16 24 32 48"), stop at
#       the first step that is not clean. Clean = every session present and receiving video and audio in
#       the window, 0 sequence gaps since the session started (lost_total; lost = in the window), 0 late
#       drops, video lag grew < 100 ms, no "discarded" warning in Sluice's log up to the end of the window,
#       and Sluice's core below 95 %. A step that is not clean prints NOTE lines (slowest sessions, the lag
#       growth over the targets of a stream: alike for all = the sender, one or some = the receivers; Sluice
#       warnings, sink errors). Each sink session costs ~1.3 % of core 0, so the peers' core runs out near
#       16 streams x 4 targets: that, not Sluice, ends part (b) on a 2-core machine.
#   Every peer and Sluice run under `timeout`; everything started is killed on exit.
#   udp_rcvbuf_err = growth of the kernel's UDP RcvbufErrors (/proc/net/snmp, the whole machine) over the
#   window: packets a receiver's socket buffer overflowed on (a peer that could not keep up or a burst);
#   udp_rcvbuf_err_since_start: the same from before the first publisher on.
#   core1_other_pct = core 1 busy time not used by Sluice (other processes of the machine: noise).
# Env: WARM_S=8 MEASURE_S=10 REPEAT=2 FANOUT_N STREAMS_B TARGETS_B VBITRATE=1M SINK_SESSIONS=32
#      PUB_GAP_S=0.5 SETUP_S=90 JB_LATENCY_MS=200 (the sinks' jitter buffers) BENCH_KEEP=dir
#      SLUICE_WARM=1 (default): before each step's publishers, one throwaway WHIP session (path warm, a few
#      seconds, excluded from every figure) so that what a JVM does once for WebRTC (class loading, JIT, and
#      jitsi-srtp choosing its AES implementation by benchmark on the first SRTP context, ~1 s on the
#      publisher's event loop) is not part of the step; SLUICE_WARM=0 keeps it in (see README).
# Prints: FANOUT part=a|b streams= targets= forwards= sessions= reconnects= ready_s= pkts_in_per_s=
#   pkts_out_per_s= min_sess_pkt_s= sink_mbit_s= sluice_cpu_pct= cpu_us_per_pkt= us_per_fwd_s= threads=
#   rss_mb= lost= lost_total= lost_v_a=VIDEO/AUDIO late= discarded= discarded_in_window= lag_growth_ms=
#   sinks= sink_cpu_pct= core0_pct= core1_other_pct= udp_rcvbuf_err= udp_rcvbuf_err_since_start= load1=
#   clean=0|1 per step (sessions = paths receiving video and audio in the window; reconnects = extra
#   sessions of a path), then medians for (a) and the steps of (b), as markdown.
set -u
PART=${1:-all}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WARM_S=${WARM_S:-8}; MEASURE_S=${MEASURE_S:-10}; REPEAT=${REPEAT:-2}
FANOUT_N=${FANOUT_N:-"1 4 16"}; STREAMS_B=${STREAMS_B:-"4 8 12 16 24 32 48"}; TARGETS_B=${TARGETS_B:-4}
VBITRATE=${VBITRATE:-1M}; SLUICE_WARM=${SLUICE_WARM:-1}; SINK_SESSIONS=${SINK_SESSIONS:-32}; PUB_GAP_S=${PUB_GAP_S:-0.5}; SETUP_S=${SETUP_S:-90}
export JB_LATENCY_MS=${JB_LATENCY_MS:-200}
bench_workdir fan-webrtc
build_sluice || { echo "build failed" >&2; exit 1; }
SRC=$(cached_source "$VBITRATE" opus) || exit 1

# child_of PID -> the (first) child process of PID (the program under `timeout`), waiting for it briefly
child_of() {
  local i c
  for i in $(seq 1 50); do c=$(pgrep -P "$1" | head -1); [ -n "$c" ] && { echo "$c"; return; }; sleep 0.05; done
}
udp_rcvbuf_errors() { awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { print $6 }' /proc/net/snmp; }

# ready D NK -> sessions (distinct paths) of the NK sinks' status files in D that received video and audio
ready() {
  local k files=()
  for k in $(seq 1 "$2"); do files+=("$1/status-$k"); done
  awk '/^SESSION/ { for (i = 2; i <= NF; i++) { split($i, a, "="); v[a[1]] = a[2] }
      if (v["path"] !~ /^\/warm\// && v["video_packets"] > 0 && v["audio_packets"] > 0) ok[v["path"]] = 1 }
    END { n = 0; for (p in ok) n++; print n }' "${files[@]}" 2>/dev/null
}

# snapshot D TAG NK JAVA_PID SINK_PIDS... : SIGUSR1 to every sink, then copies of their status files, taken once
# all were rewritten, into D/TAG-k; prints "t java_ticks sink_ticks core0_ticks udp_rcvbuf_errors core1_ticks"
snapshot() {
  local d=$1 tag=$2 nk=$3 jp=$4 k i p; shift 4
  local before=() t jt st=0 z u
  for k in $(seq 1 "$nk"); do before[$k]=$(head -1 "$d/status-$k" 2>/dev/null); done
  t=$(date +%s.%N); jt=$(cpu_ticks "$jp"); for p in "$@"; do st=$((st + $(cpu_ticks "$p"))); done
  z=$(core_busy_ticks 0); u=$(udp_rcvbuf_errors); local y; y=$(core_busy_ticks 1)
  for p in "$@"; do kill -USR1 "$p" 2>/dev/null; done
  for k in $(seq 1 "$nk"); do
    for i in $(seq 1 40); do [ "$(head -1 "$d/status-$k" 2>/dev/null)" != "${before[$k]}" ] && break; sleep 0.05; done
    cp "$d/status-$k" "$d/$tag-$k" 2>/dev/null || : > "$d/$tag-$k"
  done
  echo "$t $jt $st $z $u $y"
}

step() { # part streams targets
  local part=$1 ns=$2 nt=$3 d="$W/$1-$2x$3-$RANDOM"; mkdir -p "$d"
  local nf=$((ns * nt)) s t k
  local nk=$(( (nf + SINK_SESSIONS - 1) / SINK_SESSIONS )); [ "$nk" -lt 1 ] && nk=1
  local S H; read -r S H < <(free_ports 2); local U; U=$(free_udp_pair); local WU; WU=$(free_udp_ports 1)
  local KS; read -r -a KS < <(free_ports "$nk")
  local PUB_S; PUB_S=$(awk -v n="$ns" -v g="$PUB_GAP_S" 'BEGIN { printf "%d", n * g + 1 }')
  local DUR=$((PUB_S + SETUP_S + WARM_S + MEASURE_S + 30))
  PIDS=()
  local SKP=()
  for k in $(seq 1 "$nk"); do
    taskset -c 0 timeout -k 3 "$DUR" "$PY" "$BENCH_DIR/whip-count-sink.py" "${KS[$((k - 1))]}" "$d/status-$k" "$DUR" \
      > "$d/sink-$k.log" 2>&1 &
    local KP=$!; PIDS+=($KP); SKP+=("$(child_of "$KP")")
  done
  {
    echo "logLevel: info"; echo "rtspAddress: 127.0.0.1:$S"; echo "rtpAddress: 127.0.0.1:$U"; echo "rtcpAddress: 127.0.0.1:$((U + 1))"
    echo "webrtcAddress: 127.0.0.1:$H"; echo "webrtcLocalUDPAddress: 127.0.0.1:$WU"
    for k in rtmpAddress srtAddress apiAddress metricsAddress; do echo "$k: 127.0.0.1:0"; done
    [ "$ns" -gt 0 ] && echo "paths:"
    [ "$ns" -gt 0 ] && [ "$SLUICE_WARM" = 1 ] && { echo "  warm:"; echo "    forwardTargets:"; echo "      - {url: whip://127.0.0.1:${KS[0]}/warm/t1/whip}"; }
    local f=0
    for s in $(seq 1 "$ns"); do
      echo "  s$s:"; echo "    forwardTargets:"
      for t in $(seq 1 "$nt"); do
        echo "      - {url: whip://127.0.0.1:${KS[$((f % nk))]}/s$s/t$t/whip}"; f=$((f + 1))
      done
    done
  } > "$d/sluice.yml"
  taskset -c 1 timeout -k 5 "$DUR" "$REPO/sluice" "$d/sluice.yml" > "$d/sluice.log" 2>&1 & local SP=$!; PIDS+=($SP)
  local JP; JP=$(java_pid_of "$SP"); [ -n "$JP" ] && JAVA_PIDS+=("$JP")
  wait_port "$S" 300 && wait_port "$H" 100 || { echo "sluice did not start: $(tail -3 "$d/sluice.log")" >&2; return 1; }
  for k in "${KS[@]}"; do wait_port "$k" 100 || { echo "sink did not start: $(cat "$d"/sink-*.log)" >&2; return 1; }; done
  local PUBS=() t0 ready_s=0 n=0 u0; u0=$(udp_rcvbuf_errors)
  if [ "$ns" -gt 0 ] && [ "$SLUICE_WARM" = 1 ]; then
    # one throwaway WHIP session first: what the JVM does once (class loading, JIT, jitsi-srtp's cipher choice)
    taskset -c 0 timeout -k 2 40 ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop -1 \
      -i "$SRC" -c copy -f rtsp -rtsp_transport tcp "rtsp://127.0.0.1:$S/warm" > "$d/pub-warm.log" 2>&1 &
    local WP=$!; PIDS+=($WP)
    for i in $(seq 1 80); do
      grep -q '^SESSION .*path=/warm/.* video_packets=[1-9][0-9]* audio_packets=[1-9]' "$d/status-1" 2>/dev/null && break; sleep 0.5
    done
    sleep 2; kill_tree "$WP"; sleep 1
  fi
  t0=$(date +%s.%N)
  for s in $(seq 1 "$ns"); do
    taskset -c 0 timeout -k 2 $((DUR - 10)) ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop -1 \
      -i "$SRC" -c copy -f rtsp -rtsp_transport tcp "rtsp://127.0.0.1:$S/s$s" > "$d/pub-$s.log" 2>&1 &
    PIDS+=($!); PUBS+=($!)
    sleep "$PUB_GAP_S"
  done
  if [ "$nf" -gt 0 ]; then
    local end=$(($(date +%s) + SETUP_S))
    while [ "$(date +%s)" -lt "$end" ]; do
      n=$(ready "$d" "$nk"); [ "${n:-0}" -ge "$nf" ] && break; sleep 0.5
    done
    ready_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    [ "${n:-0}" -ge "$nf" ] || { echo "NOTE $part ${ns}x$nt: only ${n:-0} of $nf sessions receiving after ${SETUP_S} s" >&2; ready_s=NA; }
  else
    sleep 1  # idle step: let the sink write its status file
  fi
  sleep "$WARM_S"
  local a b la; a=$(snapshot "$d" a "$nk" "$JP" "${SKP[@]}"); la=$(stat -c %s "$d/sluice.log")
  sleep "$MEASURE_S"; b=$(snapshot "$d" b "$nk" "$JP" "${SKP[@]}")
  # Sluice's log up to the end of the window (what stopping the step logs is not the step's), and its window part
  head -c "$(stat -c %s "$d/sluice.log")" "$d/sluice.log" > "$d/sluice-window.log"
  tail -c +"$((la + 1))" "$d/sluice-window.log" > "$d/sluice-in-window.log"
  local thr rss; thr=$(awk '/^Threads:/ { print $2 }' "/proc/$JP/status" 2>/dev/null); rss=$(awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$JP/status" 2>/dev/null)
  cat /proc/"$JP"/task/*/comm 2>/dev/null | sed 's/[0-9][0-9]*/N/g' | sort | uniq -c | sort -rn > "$d/sluice-threads"  # kinds, for BENCH_KEEP
  for p in "${PUBS[@]}"; do kill_tree "$p"; done   # publishers first: their logs then show only real errors
  sleep 0.3
  [ -n "$JP" ] && stop_java "$JP" 3 > /dev/null
  for p in "${PIDS[@]}"; do kill_tree "$p"; done
  sleep 0.3
  for p in "${PIDS[@]}"; do kill_tree "$p" KILL; done
  wait 2>/dev/null
  local disc discw; disc=$(grep -a -c 'discarded' "$d/sluice-window.log"); discw=$(grep -a -c 'discarded' "$d/sluice-in-window.log")
  # per path (a reconnected target is a second session with the same path): deltas over the window
  local ka=() kb=(); for k in $(seq 1 "$nk"); do ka+=("$d/a-$k"); kb+=("$d/b-$k"); done
  sess() { awk '/^SESSION/ { for (i = 2; i <= NF; i++) { split($i, a, "="); v[a[1]] = a[2] }
      p = v["path"]; if (p ~ /^\/warm\//) next; V[p] += v["video_packets"]; A[p] += v["audio_packets"]; B[p] += v["bytes"]; L[p] += v["lost"]
      J[p] += v["late"]; G[p] = v["lag_ms"]; n[p]++; LV[p] += v["video_lost"]; LA[p] += v["audio_lost"] }
    END { for (p in V) print p, V[p], A[p], B[p], L[p], J[p], G[p], n[p], LV[p], LA[p] }' "$@" | sort; }
  sess "${ka[@]}" > "$d/sa"; sess "${kb[@]}" > "$d/sb"
  # per path: dvideo daudio dbytes lost_in_window late_total lag_growth sessions lost_total video_lost audio_lost
  awk 'FNR == NR { v[$1] = $2; a[$1] = $3; b[$1] = $4; l[$1] = $5; g[$1] = $7; next }
    { print $1, $2 - v[$1], $3 - a[$1], $4 - b[$1], $5 - l[$1], $6, (($1 in g) ? $7 - g[$1] : 0), $8, $5, $9, $10 }' \
    "$d/sa" "$d/sb" > "$d/deltas"
  awk -v a="$a" -v b="$b" -v part="$part" -v ns="$ns" -v nt="$nt" -v tck="$CLK_TCK" -v disc="$disc" -v discw="$discw" -v nk="$nk" -v u0="$u0" \
      -v ready="$ready_s" -v load1="$(cut -d' ' -f1 /proc/loadavg)" -v thr="${thr:-0}" -v rss="${rss:-0}" '
    { n++; if ($2 > 0 && $3 > 0) ok++; pk += $2 + $3; by += $4; lost += $5; late += $6; if ($7 > g) g = $7
      lt += $9; lv += $10; la += $11
      r = $2 + $3; if (mn == "" || r < mn) mn = r; if ($8 > 1) rec += $8 - 1 }
    END {
      split(a, A, " "); split(b, B, " ")
      dt = B[1] - A[1]; cpu = (B[2] - A[2]) / tck; scpu = (B[3] - A[3]) / tck; z = (B[4] - A[4]) / tck; f = ns * nt
      pps = dt > 0 ? pk / dt : 0; pct = dt > 0 ? 100 * cpu / dt : 0
      clean = (ok + 0 == f && lt + 0 == 0 && late + 0 == 0 && disc == 0 && g < 100 && pct < 95 && (f == 0 || pk > 0)) ? 1 : 0
      printf "FANOUT part=%s streams=%d targets=%d forwards=%d sessions=%d reconnects=%d ready_s=%s pkts_in_per_s=%.0f pkts_out_per_s=%.0f min_sess_pkt_s=%.0f sink_mbit_s=%.1f sluice_cpu_pct=%.1f cpu_us_per_pkt=%.2f us_per_fwd_s=%.0f threads=%d rss_mb=%d lost=%d lost_total=%d lost_v_a=%d/%d late=%d discarded=%d discarded_in_window=%d lag_growth_ms=%.0f sinks=%d sink_cpu_pct=%.1f core0_pct=%.1f core1_other_pct=%.1f udp_rcvbuf_err=%d udp_rcvbuf_err_since_start=%d load1=%s clean=%d\n", \
        part, ns, nt, f, ok, rec, ready, (nt > 0 ? pps / nt : 0), pps, (dt > 0 ? mn / dt : 0), (dt > 0 ? by * 8 / dt / 1e6 : 0), \
        pct, (pk > 0 ? cpu * 1e6 / pk : 0), (f > 0 && dt > 0 ? cpu * 1e6 / (f * dt) : 0), thr, rss, lost, lt, lv, la, late, disc, discw, g, nk, \
        (dt > 0 ? 100 * scpu / dt : 0), (dt > 0 ? 100 * z / dt : 0), (dt > 0 ? 100 * (B[6] - A[6]) / tck / dt - pct : 0), B[5] - A[5], B[5] - u0, load1, clean }' "$d/deltas" | tee "$d/result"
  if grep -q 'clean=0' "$d/result"; then
    sort -k2 -n "$d/deltas" | head -3 | awk '{ print $1, "video", $2, "audio", $3, "lost", $5, "(since start " $9 ": video " $10 ", audio " $11 ")", "late", $6, "lag_growth_ms", $7, "sessions", $8 }' |
      sed "s/^/NOTE $part ${ns}x$nt slowest session (packets in window): /" >&2
    # a sender that falls behind delays every target of its stream alike; a sink that falls behind, one session
    awk '{ s = $1; sub(/\/t[0-9]+\/whip$/, "", s); if (!(s in mx) || $7 > mx[s]) mx[s] = $7; if (!(s in mn) || $7 < mn[s]) mn[s] = $7 }
      END { for (s in mx) printf "%s %.0f..%.0f\n", s, mn[s], mx[s] }' "$d/deltas" | sort -t. -k3 -n | tail -3 |
      sed "s/^/NOTE $part ${ns}x$nt lag growth (ms) over the targets of stream: /" >&2
    grep -a -E 'WARN|ERROR' "$d/sluice-window.log" | head -5 | sed "s/^/NOTE $part ${ns}x$nt: /" >&2
    cat "$d"/sink-*.log | grep -v -E 'CRITICAL|^\s*$' | sort | uniq -c | sort -rn | head -3 | sed "s/^/NOTE $part ${ns}x$nt sink: /" >&2
    grep -h -i -E 'error|fail' "$d"/pub-*.log 2>/dev/null | sort | uniq -c | sort -rn | head -3 | sed "s/^/NOTE $part ${ns}x$nt publishers: /" >&2
  fi
}

fld() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
echo "# WebRTC fan-out: source $SRC; WARM_S=$WARM_S MEASURE_S=$MEASURE_S SINK_SESSIONS=$SINK_SESSIONS JB_LATENCY_MS=$JB_LATENCY_MS PUB_GAP_S=$PUB_GAP_S SLUICE_WARM=$SLUICE_WARM; load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$PART" = a ] || [ "$PART" = all ]; then
  # idle step (no publisher): the fixed cost of a running Sluice (timers, GC, JIT), subtracted below
  for r in $(seq 1 "$REPEAT"); do step a 0 0; done | tee "$W/idle"
  idle=$(sed -n 's/.* sluice_cpu_pct=\([0-9.]*\).*/\1/p' "$W/idle" | awk '{printf "%d\n", $1*100}' | median)
  idle=$(awk -v x="$idle" 'BEGIN{printf "%.2f", x/100}')
  echo "FANOUT_IDLE sluice_cpu_pct=$idle"
  for n in $FANOUT_N; do for r in $(seq 1 "$REPEAT"); do step a 1 "$n"; done; done | tee "$W/a"
  echo; echo "| targets of one stream | forwarded pkt/s | Sluice CPU % of core 1 | µs CPU per forwarded pkt (total) | µs per forwarded pkt (net of idle $idle %) | µs per forwarded stream-second | core 0 busy | clean runs |"
  echo "|---|---|---|---|---|---|---|---|"
  for n in $FANOUT_N; do
    sel() { grep " targets=$n " "$W/a" | sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
    pps=$(sel pkts_out_per_s | median); pct=$(sel sluice_cpu_pct | awk '{printf "%d\n", $1*100}' | median)
    printf '| %s | %s | %.1f | %s | %.1f | %s | %s %% | %s of %s |\n' "$n" "$pps" "$(awk -v x="$pct" 'BEGIN{print x/100}')" \
      "$(sel cpu_us_per_pkt | awk '{printf "%d\n", $1*100}' | median | awk '{printf "%.1f", $1/100}')" \
      "$(awk -v p="$pct" -v i="$idle" -v r="$pps" 'BEGIN{print (r > 0) ? (p/100 - i) * 1e4 / r : 0}')" \
      "$(sel us_per_fwd_s | median)" "$(sel core0_pct | awk '{printf "%d\n", $1*10}' | median | awk '{printf "%.1f", $1/10}')" \
      "$(grep " targets=$n " "$W/a" | grep -c 'clean=1')" "$(sel pkts_out_per_s | wc -l)"
  done
fi
if [ "$PART" = b ] || [ "$PART" = all ]; then
  best=""
  for ns in $STREAMS_B; do
    line=$(step b "$ns" "$TARGETS_B"); echo "$line"; echo "$line" >> "$W/b"
    case "$line" in *clean=1*) best=$line;; *) break;; esac
  done
  echo "FANOUT_MAX_CLEAN ${best:-none}"
  echo; echo "| streams × targets | forwards | forwarded pkt/s | sink Mbit/s | Sluice CPU (% of core 1) | µs per packet | µs per forwarded stream-second | forwards per core (extrapolated) | Sluice threads | sessions ready after | lost (window / since start) | lag growth | core 0 busy | clean |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  while read -r line; do
    [ -n "$line" ] || continue
    printf '| %s × %s | %s | %s | %s | %s %% | %s | %s | ~%s | %s | %s s | %s | %s ms | %s %% | %s |\n' "$(fld "$line" streams)" "$(fld "$line" targets)" \
      "$(fld "$line" forwards)" "$(fld "$line" pkts_out_per_s)" "$(fld "$line" sink_mbit_s)" "$(fld "$line" sluice_cpu_pct)" \
      "$(fld "$line" cpu_us_per_pkt)" "$(fld "$line" us_per_fwd_s)" "$(awk -v u="$(fld "$line" us_per_fwd_s)" 'BEGIN { printf "%d", (u > 0) ? 1e6 / u : 0 }')" \
      "$(fld "$line" threads)" "$(fld "$line" ready_s)" "$(fld "$line" lost) / $(fld "$line" lost_total)" "$(fld "$line" lag_growth_ms)" \
      "$(fld "$line" core0_pct)" "$(case "$line" in *clean=1*) echo yes;; *) echo no;; esac)"
  done < <(grep '^FANOUT ' "$W/b" 2>/dev/null)
fi
