#!/usr/bin/env bash
# bench/goals.sh — every goal of issue #20 beside its anchor, from one run of the existing benches with
# short settings (about 15 minutes on the 2-vCPU rig), then one table: goal, Sluice, anchor, ratio, holds.
#
#   row                     bench (settings)                                        anchor
#   RTMP hop warm p50/p99   latency-rtmp.sh 1 WARM_RUN_S, first WARM_SKIP_S skipped  nginx-rtmp push
#   RTMP hop fresh p50      latency-rtmp.sh 1 16 (a fresh server, the first 16 s)   nginx-rtmp push
#   RTSP hop p50            latency-rtsp.sh 1 15, publisher over TCP                ffmpeg -c copy
#   RTMP fan-out CPU        fanout-rtmp.sh, FANOUT_STREAMS × 4 targets              nginx-rtmp push
#   forwards per core       the same run: 1 s of CPU / µs per forwarded stream-s    nginx-rtmp push
#   SRT hop p50             latency-srt.sh 1 16 (the first session after start)     srt-live-transmit
#   WHIP hop p50            latency-webrtc.sh 1 15                                  GStreamer webrtcbin relay
#   RSS idle / stream / tgt footprint.sh 4 4                                         nginx-rtmp (ffmpeg shown too)
#
# Env: ROWS="rtmp-warm rtmp-fresh rtsp fanout srt whip rss" (subset), WARM_RUN_S=50 WARM_SKIP_S=30,
#      FANOUT_STREAMS=8, SLUICE_JAVA_OPTS (every Sluice), BENCH_KEEP=dir (every bench's output and logs),
#      GOALS_FROM=dir (no run: the table again from the ROW.log files a run kept with BENCH_KEEP=dir)
# Prints each bench's own output into $W/<row>.log (kept with BENCH_KEEP), GOAL lines, the load average
# before and after, and the markdown table. Rows whose bench produced no figure say NA / "no figure".
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROWS=${ROWS:-"rtmp-warm rtmp-fresh rtsp fanout srt whip rss"}
WARM_RUN_S=${WARM_RUN_S:-50}; WARM_SKIP_S=${WARM_SKIP_S:-30}; FANOUT_STREAMS=${FANOUT_STREAMS:-8}
bench_workdir goals
[ -n "${GOALS_FROM:-}" ] || build_sluice || { echo "build failed" >&2; exit 1; }
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg); T0=$(date +%s)

# run ROW COMMAND... : one bench, its output in $W/ROW.log (and a line on stderr while it runs)
run() {
  local row=$1; shift
  echo "goals.sh: $row: $*" >&2
  local keep=; [ -n "${BENCH_KEEP:-}" ] && keep=$BENCH_KEEP/$row
  BENCH_KEEP=$keep "$@" > "$W/$row.log" 2>&1
  echo "goals.sh: $row done ($(grep -c . "$W/$row.log") lines)" >&2
}
# med ROW NAME CODEC FIELD -> FIELD of the BENCH_MEDIAN line of relay NAME and CODEC in ROW's output
med() { grep -a "^BENCH_MEDIAN name=$2 " "$W/$1.log" 2>/dev/null | grep -F " codec=$3 " | sed -n "s/.* $4=\([0-9.]*\).*/\1/p" | head -1; }
# lat ROW NAME CODEC FIELD -> like med, but NA when the relay's runs matched fewer than MIN_UNITS (100) media
# units in all (a leg that joined late: a percentile of a handful of samples is no figure)
lat() {
  local n
  n=$(grep -a "^BENCH name=$2 " "$W/$1.log" 2>/dev/null | grep -F " codec=$3 " | sed -n 's/.* matched=\([0-9]*\).*/\1/p' |
    awk '{ t += $1 } END { print t + 0 }')
  if [ "$n" -lt "${MIN_UNITS:-100}" ]; then echo NA; else med "$@"; fi
}
# fld ROW PREFIX_REGEX FIELD -> FIELD of the first line of ROW's output matching PREFIX_REGEX
fld() { grep -a -E "$2" "$W/$1.log" 2>/dev/null | head -1 | sed -n "s/.* $3=\([^ ]*\).*/\1/p"; }

# GOALS_FROM=dir: only summarize the ROW.log files a previous run kept there (BENCH_KEEP=dir)
if [ -n "${GOALS_FROM:-}" ]; then cp "$GOALS_FROM"/*.log "$W"/; ROWS_RUN=""; else ROWS_RUN=$ROWS; fi
for row in $ROWS_RUN; do
  case "$row" in
    rtmp-warm) run rtmp-warm env RELAYS="sluice nginx" WARMUP_S="$WARM_SKIP_S" "$BENCH_DIR/latency-rtmp.sh" 1 "$WARM_RUN_S";;
    rtmp-fresh) run rtmp-fresh env RELAYS="sluice nginx" "$BENCH_DIR/latency-rtmp.sh" 1 16;;
    rtsp) run rtsp env TRANSPORTS=tcp "$BENCH_DIR/latency-rtsp.sh" 1 15;;
    fanout) run fanout env STREAMS="$FANOUT_STREAMS" TARGETS=4 WARM_S=6 MEASURE_S=8 "$BENCH_DIR/fanout-rtmp.sh";;
    srt) run srt env RELAYS="sluice slt" "$BENCH_DIR/latency-srt.sh" 1 16;;
    whip) run whip env RELAYS="sluice gst" "$BENCH_DIR/latency-webrtc.sh" 1 15;;
    rss) run rss env SETTLE_S=12 "$BENCH_DIR/footprint.sh" 4 4;;
    *) echo "goals.sh: unknown row '$row'" >&2;;
  esac
done

# goal LABEL SLUICE ANCHOR_LABEL ANCHOR RATIO_KIND LIMIT UNIT
#   RATIO_KIND: ratio  (holds when SLUICE / ANCHOR <= LIMIT)
#               diff   (holds when SLUICE - ANCHOR <= LIMIT)
#               max    (holds when SLUICE <= LIMIT; the ratio is still shown)
#               min    (holds when SLUICE >= LIMIT)
#               none   (a published figure, no limit)
goal() {
  awk -v g="$1" -v s="$2" -v al="$3" -v a="$4" -v k="$5" -v l="$6" -v u="$7" 'BEGIN {
    if (a == "") a = "NA"
    if (s == "" || s == "NA" || s == "0.0") { printf "GOAL goal=\"%s\" sluice=NA anchor=\"%s %s %s\" ratio=NA holds=no-figure\n", g, al, a, u; exit }
    r = (a != "" && a != "NA" && a + 0 > 0) ? sprintf("%.2f", s / a) : "NA"
    if (k == "ratio") h = (r != "NA" && r + 0 <= l) ? "yes" : (r == "NA" ? "no-figure" : "no")
    else if (k == "diff") h = (a == "" || a == "NA") ? "no-figure" : ((s - a <= l) ? "yes" : "no")
    else if (k == "max") h = (s + 0 <= l) ? "yes" : "no"
    else if (k == "min") h = (s + 0 >= l) ? "yes" : "no"
    else h = "—"
    if (k == "diff" && a != "" && a != "NA") r = sprintf("%+.0f %s", s - a, u)
    printf "GOAL goal=\"%s\" sluice=\"%s %s\" anchor=\"%s %s %s\" ratio=\"%s\" holds=%s\n", g, s, u, al, a, u, r, h }'
}

{
  case " $ROWS " in *" rtmp-warm "*)
    goal "RTMP hop warm (first ${WARM_SKIP_S} s skipped): p50 ≤ 2× nginx push" "$(lat rtmp-warm sluice H264 p50_us)" "nginx push" "$(med rtmp-warm nginx H264 p50_us)" ratio 2 µs
    goal "RTMP hop warm: p99 ≤ 1 ms" "$(lat rtmp-warm sluice H264 p99_us)" "nginx push" "$(med rtmp-warm nginx H264 p99_us)" max 1000 µs;; esac
  case " $ROWS " in *" rtmp-fresh "*)
    goal "RTMP hop fresh server (16 s): p50 ≤ 5× nginx push" "$(lat rtmp-fresh sluice H264 p50_us)" "nginx push" "$(med rtmp-fresh nginx H264 p50_us)" ratio 5 µs;; esac
  case " $ROWS " in *" rtsp "*)
    goal "RTSP hop: p50 well under 0.3 ms" "$(lat rtsp sluice-rtsp-tcp H264 p50_us)" "ffmpeg -c copy" "$(med rtsp ffmpeg-rtsp-tcp H264 p50_us)" max 300 µs;; esac
  case " $ROWS " in *" fanout "*)
    # a step that was not clean (sessions missing at the sink) has no per-forward figure
    s_us=$(fld fanout '^FANOUT relay=sluice ' us_per_fwd_s); n_us=$(fld fanout '^FANOUT relay=nginx ' us_per_fwd_s)
    s_clean=$(fld fanout '^FANOUT relay=sluice ' clean)
    [ "$s_clean" = 1 ] || s_us=NA
    [ "$(fld fanout '^FANOUT relay=nginx ' clean)" = 1 ] || n_us=NA
    goal "RTMP fan-out CPU ($FANOUT_STREAMS × 4): ≤ 1.5× nginx push" "$s_us" "nginx push" "$n_us" ratio 1.5 "µs/fwd-s"
    per_core() { awk -v u="$1" 'BEGIN { if (u + 0 > 0) printf "%.0f", 1e6 / u; else print "NA" }'; }
    s_pc=$(per_core "$s_us"); [ "$s_clean" = 1 ] || s_pc=NA
    goal "forwards of 1 Mbit/s per core, zero loss: ≥ 500 (extrapolated from the clean fan-out step)" "$s_pc" "nginx push" "$(per_core "$n_us")" min 500 "fwd";; esac
  case " $ROWS " in *" srt "*)
    goal "SRT hop (first session): p50 ≤ srt-live-transmit + 0.5 ms" "$(lat srt sluice H264 p50_us)" "srt-live-transmit" "$(med srt slt H264 p50_us)" diff 500 µs;; esac
  case " $ROWS " in *" whip "*)
    goal "WHIP hop: p50 ≤ GStreamer webrtcbin relay" "$(lat whip sluice H264 p50_us)" "webrtcbin relay" "$(med whip gst H264 p50_us)" ratio 1 µs;; esac
  case " $ROWS " in *" rss "*)
    goal "RSS idle ≤ 100 MB" "$(fld rss '^FOOTPRINT relay=sluice ' idle_mb)" "nginx-rtmp" "$(fld rss '^FOOTPRINT relay=nginx ' idle_mb)" max 100 MB
    goal "RSS per added RTSP stream (published; ffmpeg relay: $(fld rss '^FOOTPRINT relay=ffmpeg ' per_stream_mb) MB)" "$(fld rss '^FOOTPRINT relay=sluice ' per_stream_mb)" "nginx-rtmp" "$(fld rss '^FOOTPRINT relay=nginx ' per_stream_mb)" none 0 MB
    goal "RSS per added RTMP target (published; ffmpeg tee: $(fld rss '^FOOTPRINT relay=ffmpeg ' per_target_mb) MB)" "$(fld rss '^FOOTPRINT relay=sluice ' per_target_mb)" "nginx-rtmp" "$(fld rss '^FOOTPRINT relay=nginx ' per_target_mb)" none 0 MB;; esac
} | tee "$W/goals"

# what the benches themselves flagged (failed legs, sinks that got nothing, unclean steps)
grep -a -h -E '^NOTE|status=failed|clean=0|ok=0' "$W"/*.log 2>/dev/null | sed 's/^/goals.sh: /' | head -20
echo
echo "load average before: $LOAD0, after: $(cut -d' ' -f1-3 /proc/loadavg); $(( ($(date +%s) - T0) / 60 )) min; $(date -u +%Y-%m-%d), commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)"
echo
echo "| goal | Sluice | anchor | ratio | holds |"
echo "|---|---|---|---|---|"
q() { sed -n "s/.* $2=\"\([^\"]*\)\".*/\1/p; t; s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
while read -r line; do
  printf '| %s | %s | %s | %s | %s |\n' "$(q "$line" goal)" "$(q "$line" sluice)" "$(q "$line" anchor)" "$(q "$line" ratio)" "$(q "$line" holds)"
done < "$W/goals"
