#!/usr/bin/env bash
# bench/gop-join.sh
#   Frames a forward target gets when it joins (and re-joins) a camera-like stream mid-GOP, per
#   protocol, against the frames the publisher sent from the keyframe Sluice had cached.
#   Publisher: a camera-like clip (H264 High, 2 B-frames, 6 Mbit/s, 1280x720@30, keyframe every 5 s,
#     AAC 48 kHz; 20 s, encoded once into $CACHE) played twice (40 s, keyframes every 5 s) with
#     `ffmpeg -re -stream_loop 1 -c copy` over RTSP/TCP to Sluice's path live/cam.
#   Times are media times: ffmpeg -re starts its clock before the RTSP handshake, so the media runs
#     0.3-2 s ahead of the wall clock; the lead is measured from the path's gopCache span at 6.5 s.
#   Targets, added through the Control API (POST /v3/forwardtargets/add/live/cam) at media time
#     JOIN1_S (default 6.5 s; the first connection of each target takes 0.5-2 s here, so they attach ~2-3.5 s after the keyframe at 5 s):
#       rtmp      -> nginx-rtmp (peers/sink-rtmp.sh, one FLV per session)
#       srt       -> GStreamer srtsrc listener (peers/sink-srt.sh, one TS per session)
#       rtsp-tcp  -> GstRtspServer RECORD (IMPL=gst peers/sink-rtsp.sh), interleaved TCP
#       rtsp-udp  -> a second GstRtspServer, RTP over UDP
#       whip      -> GStreamer webrtcbin WHIP server (peers/sink-whip.sh), whip://…/live/out/whip: the
#                    AAC track is skipped (WebRTC has no AAC; listed in the target's `tracks`), the
#                    H264 High with B-frames is passed through as is and decoded by avdec_h264
#   Reconnect: REJOIN_S after the stream came up (default 23.5 s: 3.5 s after the keyframe at 20 s)
#     every target is disabled and enabled again through the API (PATCH enable), so it reconnects and
#     joins mid-GOP a second time; that session runs to the end of the stream.
#   Counting: each sink probes its recordings (ffprobe -count_frames, or GStreamer's parsed frames
#     for the RTSP sinks, or the frames webrtcbin's decoder output for WHIP: sink-whip.sh's
#     STREAM|session=… lines, one WHIP session per POST, in POST order), per session. Expected frames:
#       session 2 (rejoin): the frames the clip has from the keyframe cached at the rejoin (the join
#         time read from the target's `since`, which says which GOP it joined) to the end: exact;
#       session 1: from the keyframe cached at the join to the moment it was disabled, from the
#         wall clock (the publisher runs in real time): approximate (±1 frame per 33 ms of slack),
#         and the frames in flight when the session is torn down are lost by design.
#   Also prints each session's `dropped` (the target's counter covers its current session only, so it
#     is read just before the disable and at the end) and the `reader too slow` lines per target.
# Env: JOIN1_S=6.5 REJOIN_S=23.5 CACHE=/tmp/sluice-bench BENCH_KEEP=dir
# Prints: GOPJOIN target= session= joined_s= keyframe_s= frames= expected= share= per session, then a
#   markdown table.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
JOIN1_S=${JOIN1_S:-6.5}; REJOIN_S=${REJOIN_S:-23.5}; CACHE=${CACHE:-/tmp/sluice-bench}
CLIP_S=20; LOOPS=2; GOP_S=5; FPS=30; TOTAL_S=$((CLIP_S * LOOPS))
bench_workdir gop-join
build_sluice || { echo "build failed" >&2; exit 1; }

# the camera-like clip, encoded once (same settings as GopJoinIT's CameraClip)
SRC="$CACHE/camera-720p-6M-gop5-${CLIP_S}s.mkv"
if [ ! -s "$SRC" ]; then
  mkdir -p "$CACHE"
  timeout 600 ffmpeg -hide_banner -nostdin -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=$FPS" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$CLIP_S" -map 0:v -map 1:a \
    -c:v libx264 -profile:v high -preset superfast -bf 2 -b:v 6M -maxrate 6M -bufsize 6M -pix_fmt yuv420p \
    -g $((GOP_S * FPS)) -keyint_min $((GOP_S * FPS)) -sc_threshold 0 -c:a aac -b:a 64k -ac 1 \
    -f matroska "$SRC.tmp" && mv "$SRC.tmp" "$SRC" || { echo "cannot build $SRC" >&2; exit 1; }
fi
CLIP_FRAMES=$(timeout 60 ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets \
  -of csv=p=0 "$SRC")

read -r RTSP API RTMP_SINK RTSP_TCP RTSP_UDP WHIP_SINK <<<"$(free_ports 6)"
RTP=$(free_udp_pair); read -r SRT_SINK <<<"$(free_udp_ports 1)"
SINK_S=$((TOTAL_S + 25))
{
  sluice_listeners "$RTSP" "$RTP" | sed "s/^apiAddress: .*/apiAddress: 127.0.0.1:$API/"
  echo "paths:"
  echo "  live/cam:"
  echo "    forwardTargets: []"
} > "$W/sluice.yml"
timeout -k 5 $((SINK_S + 30)) "$REPO/sluice" "$W/sluice.yml" > "$W/sluice.log" 2>&1 & PIDS+=($!)
wait_port "$API" 300 && wait_port "$RTSP" 100 || { echo "sluice did not start: $(tail -3 "$W/sluice.log")" >&2; exit 1; }

bash "$PEERS/sink-rtmp.sh" "$RTMP_SINK" "$SINK_S" > "$W/sink-rtmp.log" 2>&1 & PIDS+=($!)
bash "$PEERS/sink-srt.sh" "$SRT_SINK" "$SINK_S" > "$W/sink-srt.log" 2>&1 & PIDS+=($!)
IMPL=gst bash "$PEERS/sink-rtsp.sh" "$RTSP_TCP" live/out "$SINK_S" > "$W/sink-rtsp-tcp.log" 2>&1 & PIDS+=($!)
IMPL=gst bash "$PEERS/sink-rtsp.sh" "$RTSP_UDP" live/out "$SINK_S" > "$W/sink-rtsp-udp.log" 2>&1 & PIDS+=($!)
bash "$PEERS/sink-whip.sh" "$WHIP_SINK" "$SINK_S" > "$W/sink-whip.log" 2>&1 & PIDS+=($!)
wait_port "$RTMP_SINK" && wait_udp_port "$SRT_SINK" && wait_port "$RTSP_TCP" && wait_port "$RTSP_UDP" \
  && wait_port "$WHIP_SINK" \
  || { echo "a sink did not start" >&2; exit 1; }
SINK_START=$(date +%s.%N)

api() { curl -s -m 5 -X "$1" -H 'content-type: application/json' ${3:+-d "$3"} "http://127.0.0.1:$API$2"; }
now() { date +%s.%N; }
# (awk prints numbers with %.6g unless told: epoch seconds need printf)
sleep_until() { local d; d=$(awk -v t="$1" -v n="$(now)" 'BEGIN { d = t - n; printf "%.3f\n", (d > 0 ? d : 0) }'); sleep "$d"; }
at() { awk -v r="$READY" -v j="$1" 'BEGIN { printf "%.3f\n", r + j }'; }

timeout -k 5 $((TOTAL_S + 20)) ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop $((LOOPS - 1)) \
  -i "$SRC" -map 0 -c copy -f rtsp -rtsp_transport tcp "rtsp://127.0.0.1:$RTSP/live/cam" > "$W/publisher.log" 2>&1 &
PUB=$!; PIDS+=($PUB)
PUB_START=$(now)
for _ in $(seq 1 200); do
  api GET /v3/paths/get/live/cam | grep -Eq '"ready": ?true' && break
  sleep 0.05
done
READY=$(now)
echo "GOPJOIN_READY after_s=$(awk -v a="$PUB_START" -v b="$READY" 'BEGIN { printf "%.2f", b - a }')"
TARGETS="rtmp srt rtsp-tcp rtsp-udp whip"
url_of() {
  case "$1" in
    rtmp) echo "\"url\":\"rtmp://127.0.0.1:$RTMP_SINK/live/out\"";;
    srt) echo "\"url\":\"srt://127.0.0.1:$SRT_SINK?streamid=publish:live/out\"";;
    rtsp-tcp) echo "\"url\":\"rtsp://127.0.0.1:$RTSP_TCP/live/out\",\"rtspConfig\":{\"transport\":\"tcp\"}";;
    rtsp-udp) echo "\"url\":\"rtsp://127.0.0.1:$RTSP_UDP/live/out\",\"rtspConfig\":{\"transport\":\"udp\"}";;
    whip) echo "\"url\":\"whip://127.0.0.1:$WHIP_SINK/live/out/whip\"";;
  esac
}
# since_s ID -> media time (s) at which the target's current session started
since_s() {
  api GET "/v3/forwardtargets/get/live/cam/$1" | $PY -c '
import json, sys, datetime
t = json.load(sys.stdin); s = t.get("since")
print("NA" if not s else "%.3f" % (datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
      - float(sys.argv[1]) + float(sys.argv[2])))
' "$READY" "${LEAD:-0}"
}
await_forwarding() {
  local id=$1 i
  for i in $(seq 1 100); do
    api GET "/v3/forwardtargets/get/live/cam/$id" | grep -q '"state":"forwarding"' && return 0
    sleep 0.05
  done
  return 1
}

# ffmpeg -re starts its clock before the RTSP handshake, so the media runs ahead of the wall clock
# since the stream came up (LEAD s, ~1-2 s here). Measure it in the second GOP: the path's GOP cache
# span says when the keyframe at 5 s arrived. Joins are then scheduled, and attributed, in media time.
sleep_until "$(at 6.5)"
SPAN=$(api GET /v3/paths/get/live/cam | $PY -c 'import json,sys; print(json.load(sys.stdin)["gopCache"]["durationMillis"])')
LEAD=$(awk -v n="$(now)" -v r="$READY" -v d="$SPAN" -v g="$GOP_S" 'BEGIN { printf "%.3f", g - (n - r - d / 1000) }')
echo "GOPJOIN_LEAD media_ahead_s=$LEAD"
at() { awk -v r="$READY" -v j="$1" -v l="$LEAD" 'BEGIN { printf "%.3f\n", r + j - l }'; }
sleep_until "$(at "$JOIN1_S")"
for t in $TARGETS; do api POST /v3/forwardtargets/add/live/cam "{\"id\":\"$t\",$(url_of "$t")}" > /dev/null; done
declare -A JOIN1 JOIN2 DISABLED
for t in $TARGETS; do await_forwarding "$t"; JOIN1[$t]=$(since_s "$t"); done

sleep_until "$(at "$REJOIN_S")"
dropped_of() { api GET "/v3/forwardtargets/get/live/cam/$1" | $PY -c 'import json,sys; print(json.load(sys.stdin).get("dropped"))'; }
declare -A DROPPED1
for t in $TARGETS; do DROPPED1[$t]=$(dropped_of "$t"); done
for t in $TARGETS; do
  api PATCH "/v3/forwardtargets/patch/live/cam/$t" '{"enable":false}' > /dev/null
  DISABLED[$t]=$(awk -v n="$(now)" -v r="$READY" -v l="$LEAD" 'BEGIN { printf "%.3f", n - r + l }')
  api PATCH "/v3/forwardtargets/patch/live/cam/$t" '{"enable":true}' > /dev/null
done
for t in $TARGETS; do await_forwarding "$t"; JOIN2[$t]=$(since_s "$t"); done
declare -A DROPPED
wait "$PUB"
for t in $TARGETS; do
  DROPPED[$t]=$(dropped_of "$t")
  # which tracks went out and which were skipped, and why (WHIP: AAC)
  echo "GOPJOIN_TRACKS target=$t $(api GET "/v3/forwardtargets/get/live/cam/$t" \
    | $PY -c 'import json,sys; print(json.dumps(json.load(sys.stdin).get("tracks"), separators=(",", ":")))')"
done
SLOW=$(grep -c "reader too slow" "$W/sluice.log")
declare -A SLOW_OF
for t in $TARGETS; do SLOW_OF[$t]=$(grep -c "\[forward $t .*reader too slow" "$W/sluice.log"); done
# the sinks stop at their deadline and print their per-session counts
for _ in $(seq 1 $((SINK_S + 60))); do
  n=0; for t in $TARGETS; do grep -q '^RECEIVED' "$W/sink-$t.log" && n=$((n + 1)); done
  [ "$n" = 5 ] && break
  sleep 1
done

# session_frames LOG -> video frames per session, one line each, in session order
session_frames() {
  if grep -q '^STREAM|session=' "$1"; then
    # sink-whip.sh: sessions in POST order ("answered"), then each one's decoded video frames; a
    # session that never got a video track (a POST Sluice gave up on) is not a session of the target
    $PY - "$1" <<'PYEOF'
import re, sys
order, frames = [], {}
for line in open(sys.argv[1], errors='replace'):
    m = re.match(r'SESSION\|id=(\w+) answered', line)
    if m: order.append(m.group(1))
    m = re.match(r'STREAM\|session=(\w+) .*kind=video .*decoded_frames=(\d+)', line)
    if m: frames[m.group(1)] = frames.get(m.group(1), 0) + int(m.group(2))
for sid in order:
    if sid in frames: print(frames[sid])
PYEOF
  elif grep -q '^STREAM session=' "$1"; then
    sed -n 's/^STREAM session=\([0-9]*\) index=0 frames=\([0-9]*\).*/\1 \2/p' "$1" | sort -n | awk '{print $2}'
  else
    grep '^STREAM file=' "$1" | grep 'codec_type=video' | sort -V \
      | sed -n 's/.*nb_read_frames=\([0-9]*\).*/\1/p'
  fi
}
log_of() { echo "$W/sink-$1.log"; }
ROWS=()
for t in $TARGETS; do
  mapfile -t F < <(session_frames "$(log_of "$t")")
  for s in 1 2; do
    if [ "$s" = 1 ]; then j=${JOIN1[$t]}; end=${DISABLED[$t]}; else j=${JOIN2[$t]}; end=$TOTAL_S; fi
    got=${F[$((s - 1))]:-0}
    read -r ks exp share <<<"$(awk -v j="$j" -v e="$end" -v g="$GOP_S" -v f="$FPS" -v got="$got" -v s="$s" \
      -v clip="$CLIP_FRAMES" -v loops="$LOOPS" 'BEGIN {
        if (j == "NA") { print "NA NA NA"; exit }
        k = int(j / g) * g
        want = (s == 2) ? clip * loops - k * f : int((e - k) * f)
        printf "%d %d %.1f\n", k, want, (want > 0 ? 100 * got / want : 0) }')"
    if [ "$s" = 1 ]; then d=${DROPPED1[$t]}; else d=${DROPPED[$t]}; fi
    echo "GOPJOIN target=$t session=$s joined_s=$j keyframe_s=$ks frames=$got expected=$exp share=$share dropped=$d"
    ROWS+=("| $t | $([ "$s" = 1 ] && echo "join" || echo "rejoin") | ${j} s | ${ks} s | $got | $exp$([ "$s" = 1 ] && echo " (≈)") | ${share} % | $d |")
  done
done
echo "GOPJOIN_LOG reader_too_slow=$SLOW"
echo
echo "| target | session | attached at (media s) | cached keyframe at | frames received | frames sent since that keyframe | share | packets dropped by Sluice |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "'reader too slow' lines: $SLOW ($(for t in $TARGETS; do printf '%s=%s ' "$t" "${SLOW_OF[$t]}"; done | sed 's/ $//'))"
