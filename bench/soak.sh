#!/usr/bin/env bash
# bench/soak.sh [--streams N] [--duration 60m] [--flap-every 3m] [--out DIR]
#   Long-running soak: N paths, each fed by an ffmpeg publisher (RTSP, RTMP and SRT in turn: stream i
#   uses protocol i mod 3) and forwarded to 4 targets of mixed protocols at peer sinks:
#     t1 rtmp://  → nginx-rtmp sink A (application t1)
#     t2 srt://   → bench/srt-sink.py (libsrt, one listener that accepts every caller)
#     t3 rtsp://  → bench/rtsp-record-sink.py (RTSP RECORD over TCP, counts RTP)
#     t4 rtmp://  → nginx-rtmp sink B (a second nginx process, application t4)
#   Publishers loop a camera-like clip (H264 High, 2 B-frames, 640x360@30, GOP 2 s, VBITRATE 1.5 Mbit/s,
#   AAC 64k: a camera substream), encoded once and cached in $CACHE, with `ffmpeg -re -stream_loop -1 -c copy`.
#   Every --flap-every one publisher is killed and restarted 2 s later, and one of the four sinks is
#   killed and restarted 2 s later on the same port (both rotate), so every target of that sink
#   reconnects through its retry loop.
#   Every SAMPLE_S (10) s one CSV row: RSS (VmRSS), Java heap used and heap after the last GC (/metrics
#   jvm_memory_used_bytes{area="heap"}, jvm_memory_pool_collection_used_bytes of the heap pools), live
#   threads (jvm_threads_current and /proc task count), open fds, forward targets up, sums over all
#   targets of dropped packets, reconnects and bytes forwarded (sluice_forward_target_*), CPU % of one
#   core used by the Sluice JVM since the previous sample, and the flap counters.
#   Output in DIR (default /work/soak-out/<date>): soak.csv, soak.png (gnuplot; skipped with a message
#   when gnuplot is missing: `apt-get install -y gnuplot-nox`), sluice.log, summary.txt, and at the
#   middle and the end a class histogram and a thread dump (jcmd) to compare when a slope shows a leak.
#   The JVM runs from a copy of target/sluice.jar + target/lib in DIR, so rebuilding the tree during
#   the run cannot swap classes under it.
# Env: SAMPLE_S=10 WARMUP_S=300 (samples before this are left out of the slopes) VBITRATE=1500k
#      CACHE=/tmp/sluice-bench SLUICE_JAVA_OPTS=...
# Prints at the end:
#   SOAK duration= streams= targets= rss_start= rss_end= rss_slope_mb_per_h= threads_slope_per_h=
#   fd_slope_per_h= heap_after_gc_slope= drops= reconnects= publisher_flaps= target_flaps=
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STREAMS=12; DURATION=60m; FLAP=3m; OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --streams) STREAMS=$2; shift 2;;
    --duration) DURATION=$2; shift 2;;
    --flap-every) FLAP=$2; shift 2;;
    --out) OUT=$2; shift 2;;
    -h|--help) sed -n '2,30p' "$0"; exit 0;;
    *) echo "soak.sh: unknown argument '$1' (see --help)" >&2; exit 2;;
  esac
done
# secs 90|90s|3m|1h -> seconds
secs() {
  case "$1" in
    *h) echo $((${1%h} * 3600));; *m) echo $((${1%m} * 60));; *s) echo "${1%s}";;
    *[!0-9]*|"") echo "soak.sh: bad duration '$1' (use 90s, 3m, 1h)" >&2; exit 2;; *) echo "$1";;
  esac
}
DUR_S=$(secs "$DURATION"); FLAP_S=$(secs "$FLAP")
SAMPLE_S=${SAMPLE_S:-10}; WARMUP_S=${WARMUP_S:-300}; VBITRATE=${VBITRATE:-1500k}; CACHE=${CACHE:-/tmp/sluice-bench}
OUT=${OUT:-/work/soak-out/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT" || exit 2
OUT=$(cd "$OUT" && pwd)
MOD=/usr/lib/nginx/modules/ngx_rtmp_module.so
[ -f "$MOD" ] || { echo "missing $MOD (apt-get install libnginx-mod-rtmp)" >&2; exit 2; }
command -v ffmpeg >/dev/null || { echo "missing ffmpeg (/work/shared/peers/install.sh)" >&2; exit 2; }
bench_workdir soak
PUB=(); SINK=(); SP=""; SJ=""
soak_cleanup() {
  # only the processes alive now (restarted ones replaced their predecessors in PUB/SINK)
  PIDS=("${PUB[@]}" "${SINK[@]}")
  [ -n "$SJ" ] && stop_java "$SJ" 10 > /dev/null
  [ -n "$SP" ] && PIDS+=("$SP")
  bench_cleanup
}
trap soak_cleanup EXIT

build_sluice || { echo "build failed" >&2; exit 1; }
COMMIT="$(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null)$(cd "$REPO" && git diff --quiet HEAD -- src pom.xml 2>/dev/null || echo '+uncommitted')"
mkdir -p "$OUT/app" && cp "$REPO/target/sluice.jar" "$OUT/app/" && rm -rf "$OUT/app/lib" && cp -r "$REPO/target/lib" "$OUT/app/lib" \
  || { echo "cannot copy the jar to $OUT/app" >&2; exit 1; }

# --- camera-like substream clip, encoded once --------------------------------------------------------
SRC="$CACHE/soak-cam-640x360-$VBITRATE-bf2-gop2.mkv"
if [ ! -s "$SRC" ]; then
  mkdir -p "$CACHE"
  echo "encoding $SRC once…" >&2
  timeout 300 ffmpeg -hide_banner -nostdin -loglevel error -y -f lavfi -i "testsrc2=size=640x360:rate=30" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 20 -map 0:v -c:v libx264 -profile:v high \
    -preset veryfast -bf 2 -g 60 -keyint_min 60 -sc_threshold 0 -pix_fmt yuv420p \
    -b:v "$VBITRATE" -maxrate "$VBITRATE" -bufsize "$VBITRATE" -map 1:a -c:a aac -b:a 64k -ac 1 "$SRC.tmp.mkv" \
    && mv "$SRC.tmp.mkv" "$SRC" || { echo "cannot build $SRC" >&2; exit 1; }
fi

# --- ports -------------------------------------------------------------------------------------------
read -r RTSP_P RTMP_P MET_P API_P KA KB KR < <(free_ports 7)
RTP_P=$(free_udp_pair)
read -r SRT_P KS < <(free_udp_ports 2)
LIFE=$((DUR_S + 120))   # every peer is bounded by timeout

# --- sinks ---------------------------------------------------------------------------------------------
nginx_conf() { # DIR PORT APP
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
  application $3 { live on; allow publish 127.0.0.1; allow play 127.0.0.1; } } }
EOF
  nginx -t -q -p "$1" -e "$1/logs/error.log" -c "$1/nginx.conf" || { cat "$1/logs/error.log" >&2; return 1; }
}
nginx_conf "$W/sinkA" "$KA" t1 || exit 1
nginx_conf "$W/sinkB" "$KB" t4 || exit 1
# start_sink J : (re)starts sink J (0..3) in the background, bounded by what is left of the run
start_sink() {
  local left=$((END + 60 - $(date +%s)))
  case "$1" in
    0) timeout -k 2 "$left" nginx -p "$W/sinkA" -e "$W/sinkA/logs/error.log" -c "$W/sinkA/nginx.conf" >> "$OUT/sink-rtmpA.log" 2>&1 & ;;
    1) timeout -k 2 "$left" "$PY" "$BENCH_DIR/srt-sink.py" "$KS" "$left" 120 >> "$OUT/sink-srt.log" 2>&1 & ;;
    2) timeout -k 2 "$left" "$PY" "$BENCH_DIR/rtsp-record-sink.py" "$KR" "$OUT/sink-rtsp.status" "$left" >> "$OUT/sink-rtsp.log" 2>&1 & ;;
    3) timeout -k 2 "$left" nginx -p "$W/sinkB" -e "$W/sinkB/logs/error.log" -c "$W/sinkB/nginx.conf" >> "$OUT/sink-rtmpB.log" 2>&1 & ;;
  esac
  SINK[$1]=$!
}
SINK_NAME=(rtmp-nginx-A srt-libsrt rtsp-record rtmp-nginx-B)

# --- Sluice ----------------------------------------------------------------------------------------------
{
  echo "logLevel: info"
  echo "rtspAddress: 127.0.0.1:$RTSP_P"; echo "rtpAddress: 127.0.0.1:$RTP_P"; echo "rtcpAddress: 127.0.0.1:$((RTP_P + 1))"
  echo "rtmpAddress: 127.0.0.1:$RTMP_P"; echo "srtAddress: 127.0.0.1:$SRT_P"
  echo "webrtcAddress: 127.0.0.1:0"; echo "webrtcLocalUDPAddress: 127.0.0.1:0"
  echo "apiAddress: 127.0.0.1:$API_P"; echo "metricsAddress: 127.0.0.1:$MET_P"
  echo "paths:"
  for s in $(seq 1 "$STREAMS"); do
    echo "  live/s$s:"; echo "    forwardTargets:"
    echo "      - {url: rtmp://127.0.0.1:$KA/t1/s$s}"
    echo "      - {url: \"srt://127.0.0.1:$KS?streamid=publish:t2/s$s\", srtConfig: {latency: 120}}"
    echo "      - {url: rtsp://127.0.0.1:$KR/t3/s$s, rtspConfig: {transport: tcp}}"
    echo "      - {url: rtmp://127.0.0.1:$KB/t4/s$s}"
  done
} > "$OUT/sluice.yml"

END=$(( $(date +%s) + DUR_S ))
for j in 0 1 2 3; do start_sink "$j"; done
JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
timeout -k 15 "$LIFE" "$JAVA" --enable-native-access=ALL-UNNAMED -XX:+UseZGC -Xms64m ${SLUICE_JAVA_OPTS:-} \
  -cp "$OUT/app/sluice.jar:$OUT/app/lib/*" io.sluice.Main "$OUT/sluice.yml" > "$OUT/sluice.log" 2>&1 &
SP=$!
SJ=$(java_pid_of "$SP")
[ -n "$SJ" ] || { echo "sluice did not start: $(tail -3 "$OUT/sluice.log")" >&2; exit 1; }
wait_port "$MET_P" 300 && wait_port "$RTMP_P" 100 && wait_port "$RTSP_P" 100 && wait_udp_port "$SRT_P" 100 \
  || { echo "sluice did not start: $(tail -5 "$OUT/sluice.log")" >&2; exit 1; }

# The JVM starts its Attach Listener thread (and socket) at the first jcmd and keeps it: start it now,
# or the mid-run class histogram would show up as a +1 thread / +1 fd step in the slopes.
timeout 60 jcmd "$SJ" VM.uptime > /dev/null 2>&1

# --- publishers --------------------------------------------------------------------------------------------
PROTO=(rtsp rtmp srt)
start_pub() { # S (1-based)
  local s=$1 left=$((END + 30 - $(date +%s))) url fmt
  case "${PROTO[$((s % 3))]}" in
    rtsp) fmt=(-f rtsp -rtsp_transport tcp); url="rtsp://127.0.0.1:$RTSP_P/live/s$s";;
    rtmp) fmt=(-f flv); url="rtmp://127.0.0.1:$RTMP_P/live/s$s";;
    srt) fmt=(-f mpegts); url="srt://127.0.0.1:$SRT_P?pkt_size=1316&latency=120000&streamid=publish:live/s$s";;
  esac
  timeout -k 2 "$left" ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop -1 -i "$SRC" -c copy \
    "${fmt[@]}" "$url" >> "$OUT/pub-$s.log" 2>&1 &
  PUB[$s]=$!
}
for s in $(seq 1 "$STREAMS"); do start_pub "$s"; done

# --- sampling ------------------------------------------------------------------------------------------------
# metric NAME [LABEL_FILTER] -> sum of the samples of NAME (with or without _total) whose labels contain the filter
scrape() { curl -s -m 5 "http://127.0.0.1:$MET_P/metrics" > "$W/metrics.tmp" 2>/dev/null && mv "$W/metrics.tmp" "$W/metrics"; }
metric() {
  awk -v n="$1" -v f="${2:-}" '
    /^#/ { next }
    { name = $1; sub(/\{.*/, "", name) }
    (name == n || name == n "_total") && (f == "" || index($0, f)) { s += $NF; found = 1 }
    END { if (found) printf "%.0f\n", s; else print "NA" }' "$W/metrics" 2>/dev/null
}
# heap after GC: the used-after-last-collection figure of the heap pools (ZGC: "ZGC Old Generation",
# "ZGC Young Generation"; other collectors name theirs differently, so every pool the scrape marks heap)
heap_after_gc() {
  awk '
    /^#/ { next }
    /^jvm_memory_pool_collection_used_bytes\{/ && $0 !~ /CodeHeap|Metaspace|Compressed Class/ { s += $NF; found = 1 }
    END { if (found) printf "%.0f\n", s; else print "NA" }' "$W/metrics" 2>/dev/null
}
CSV="$OUT/soak.csv"
echo "t_s,utc,rss_kb,heap_used_b,heap_after_gc_b,jvm_threads,os_threads,fds,targets_up,dropped,reconnects,bytes_fwd,cpu_pct,publisher_flaps,target_flaps" > "$CSV"
PFLAPS=0; TFLAPS=0
T0=$(date +%s.%N); PREV_T=$T0; PREV_C=$(cpu_ticks "$SJ")
NEXT_FLAP=$(( $(date +%s) + FLAP_S )); NEXT_SAMPLE=$(( $(date +%s) + SAMPLE_S )); DUMPED_MID=0
echo "soak: $STREAMS streams x 4 targets for ${DUR_S}s, flap every ${FLAP_S}s, sluice pid $SJ, out $OUT" >&2
while [ "$(date +%s)" -lt "$END" ]; do
  kill -0 "$SJ" 2>/dev/null || { echo "soak: sluice exited early: $(tail -5 "$OUT/sluice.log")" >&2; break; }
  now=$(date +%s)
  if [ "$now" -ge "$NEXT_FLAP" ]; then
    s=$(( PFLAPS % STREAMS + 1 )); j=$(( TFLAPS % 4 ))
    kill_tree "${PUB[$s]}"; kill_tree "${SINK[$j]}"
    sleep 2
    kill_tree "${PUB[$s]}" KILL; kill_tree "${SINK[$j]}" KILL
    start_pub "$s"; start_sink "$j"
    PFLAPS=$((PFLAPS + 1)); TFLAPS=$((TFLAPS + 1))
    echo "$(date -u +%T) flap: publisher live/s$s (${PROTO[$((s % 3))]}), sink ${SINK_NAME[$j]}" >> "$OUT/flaps.log"
    NEXT_FLAP=$((NEXT_FLAP + FLAP_S))
  fi
  if [ "$DUMPED_MID" = 0 ] && [ "$now" -ge $((END - DUR_S / 2)) ]; then
    DUMPED_MID=1
    timeout 60 jcmd "$SJ" GC.class_histogram > "$OUT/histo-mid.txt" 2>&1
    timeout 60 jcmd "$SJ" Thread.print > "$OUT/threads-mid.txt" 2>&1
  fi
  sleep $(( NEXT_SAMPLE > now ? NEXT_SAMPLE - now : 0 ))
  NEXT_SAMPLE=$((NEXT_SAMPLE + SAMPLE_S))
  scrape || continue
  t=$(date +%s.%N); c=$(cpu_ticks "$SJ")
  rss=$(awk '/^VmRSS:/{print $2}' "/proc/$SJ/status" 2>/dev/null)
  ost=$(ls "/proc/$SJ/task" 2>/dev/null | wc -l); fds=$(ls "/proc/$SJ/fd" 2>/dev/null | wc -l)
  cpu=$(awk -v a="$PREV_C" -v b="$c" -v t0="$PREV_T" -v t1="$t" -v k="$CLK_TCK" 'BEGIN{ printf "%.1f", (t1 > t0) ? 100 * (b - a) / k / (t1 - t0) : 0 }')
  PREV_C=$c; PREV_T=$t
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' \
    "$(awk -v a="$T0" -v b="$t" 'BEGIN{printf "%.1f", b - a}')" "$(date -u +%FT%TZ)" "${rss:-NA}" \
    "$(metric jvm_memory_used_bytes 'area="heap"')" "$(heap_after_gc)" "$(metric jvm_threads_current)" "$ost" "$fds" \
    "$(metric sluice_forward_target_up)" "$(metric sluice_forward_target_dropped_packets)" \
    "$(metric sluice_forward_target_reconnects)" "$(metric sluice_forward_target_bytes)" "$cpu" "$PFLAPS" "$TFLAPS" >> "$CSV"
done
timeout 60 jcmd "$SJ" GC.class_histogram > "$OUT/histo-end.txt" 2>&1
timeout 60 jcmd "$SJ" Thread.print > "$OUT/threads-end.txt" 2>&1
cp "$W/metrics" "$OUT/metrics-end.txt" 2>/dev/null

# --- summary -----------------------------------------------------------------------------------------------
# least-squares slope per hour of a column over the samples after WARMUP_S (all samples if none are left)
SUMMARY=$(awk -F, -v w="$WARMUP_S" -v ns="$STREAMS" -v dur="$DURATION" '
  NR == 1 { next }
  { n++; t[n] = $1; rss[n] = $3; hg[n] = $5; th[n] = $6; fd[n] = $8; dr[n] = $10; rc[n] = $11; by[n] = $12; pf = $14; tf = $15 }
  function slope(a, scale,   i, m, sx, sy, sxx, sxy, x, y) {
    m = 0; sx = sy = sxx = sxy = 0
    for (i = 1; i <= n; i++) {
      if (t[i] < w && t[n] >= w + 60) continue
      if (a[i] == "NA" || a[i] == "") continue
      x = t[i] / 3600; y = a[i] / scale; m++; sx += x; sy += y; sxx += x * x; sxy += x * y
    }
    if (m < 3 || m * sxx - sx * sx == 0) return "NA"
    return sprintf("%.2f", (m * sxy - sx * sy) / (m * sxx - sx * sx))
  }
  function slope_from(a, scale, from,   i, m, sx, sy, sxx, sxy, x, y) {
    m = 0; sx = sy = sxx = sxy = 0
    for (i = 1; i <= n; i++) {
      if (t[i] < from || a[i] == "NA" || a[i] == "") continue
      x = t[i] / 3600; y = a[i] / scale; m++; sx += x; sy += y; sxx += x * x; sxy += x * y
    }
    if (m < 3 || m * sxx - sx * sx == 0) return "NA"
    return sprintf("%.2f", (m * sxy - sx * sy) / (m * sxx - sx * sx))
  }
  function firstnum(a,   i) { for (i = 1; i <= n; i++) if (a[i] != "NA") return a[i]; return 0 }
  END {
    if (n == 0) { print "SOAK no samples"; exit }
    printf "SOAK duration=%s streams=%d targets=%d rss_start=%.0fMB rss_end=%.0fMB rss_slope_mb_per_h=%s threads_slope_per_h=%s fd_slope_per_h=%s heap_after_gc_slope=%sMB/h drops=%s reconnects=%s publisher_flaps=%d target_flaps=%d samples=%d",
      dur, ns, ns * 4, rss[1] / 1024, rss[n] / 1024, slope(rss, 1024), slope(th, 1), slope(fd, 1), slope(hg, 1048576),
      (dr[n] == "NA" ? "NA" : dr[n] - firstnum(dr)), (rc[n] == "NA" ? "NA" : rc[n] - firstnum(rc)), pf, tf, n
    # the second half alone: by then the collector has sized its heap (ZGC grows it, then uncommits)
    h = t[n] / 2
    printf " half2_rss_slope_mb_per_h=%s half2_threads_slope_per_h=%s half2_fd_slope_per_h=%s half2_heap_after_gc_slope=%sMB/h fwd_mbit_s=%.1f\n",
      slope_from(rss, 1024, h), slope_from(th, 1, h), slope_from(fd, 1, h), slope_from(hg, 1048576, h),
      (by[n] != "NA" && t[n] > t[1]) ? (by[n] - by[1]) * 8 / (t[n] - t[1]) / 1e6 : 0
  }' "$CSV")
{
  echo "$SUMMARY"
  echo "cpu_pct_mean=$(awk -F, 'NR > 2 && $13 != "NA" { s += $13; n++ } END { if (n) printf "%.1f", s / n; else print "NA" }' "$CSV") (Sluice JVM, % of one core, mean of the samples)"
  echo "host: $(nproc) cores, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine: other builds ran too)"
  echo "commit: $COMMIT (the tree the jar was built from, at the start of the run)"
} > "$OUT/summary.txt"

# --- plot --------------------------------------------------------------------------------------------------
if command -v gnuplot > /dev/null; then
  gnuplot <<EOF 2> "$OUT/gnuplot.log" && echo "plot: $OUT/soak.png" >&2 || echo "soak: gnuplot failed, see $OUT/gnuplot.log" >&2
set terminal pngcairo size 1200,900 font ",10"
set output "$OUT/soak.png"
set datafile separator ","
set datafile missing "NA"
set multiplot layout 2,1 title "Sluice soak: $STREAMS streams x 4 targets, ${DURATION}, publisher + target flap every ${FLAP}"
set xlabel "minutes"
set grid
set key below horizontal
set ylabel "MB"
set y2label "threads / fds"
set y2tics
set ytics nomirror
set yrange [0:*]
set y2range [0:*]
plot "$CSV" using (\$1/60):(\$3/1024) skip 1 with lines lw 2 title "RSS (MB)", \
     "" using (\$1/60):(\$4/1048576) skip 1 with lines title "heap used (MB)", \
     "" using (\$1/60):(\$5/1048576) skip 1 with lines lw 2 title "heap after GC (MB)", \
     "" using (\$1/60):6 skip 1 axes x1y2 with lines lw 2 title "JVM threads", \
     "" using (\$1/60):8 skip 1 axes x1y2 with lines lw 2 title "open fds"
set ylabel "count (cumulative)"
set y2label "CPU % of a core"
plot "$CSV" using (\$1/60):10 skip 1 with lines lw 2 title "dropped packets", \
     "" using (\$1/60):11 skip 1 with lines lw 2 title "reconnects", \
     "" using (\$1/60):14 skip 1 with steps title "publisher flaps", \
     "" using (\$1/60):13 skip 1 axes x1y2 with lines lc rgb "#aaaaaa" title "Sluice CPU %"
unset multiplot
EOF
else
  echo "soak: gnuplot not found, no soak.png (install it: apt-get install -y gnuplot-nox); soak.csv is complete" >&2
fi
echo "$SUMMARY"
