#!/usr/bin/env bash
# bench/webrtc-ramp.sh [RUNS] [SECONDS]
#   What a browser sends Sluice over WHIP, side by side with what it sends GStreamer's webrtcbin: headless
#   Chromium (peers/publish-whip-chromium.sh: canvas 640x360@30 + Opus, libwebrtc's own congestion control)
#   publishes SECONDS to Sluice's WHIP endpoint, then SECONDS to peers/sink-whip.sh (webrtcbin WHIP server,
#   transport-cc feedback from rtpbin), one after the other in each run, per codec. A sender ramps up only as
#   far as its receiver's congestion feedback lets it, so the figures compare the feedback of the two
#   receivers: Sluice's transport-cc feedback (or REMB) against webrtcbin's.
#   Figures are Chromium's own getStats for its video sender at the end of the publish: frames encoded /
#   SECONDS (fps), bytes sent * 8 / SECONDS (kbit/s), the last frame size, qualityLimitationReason.
# Args:  RUNS (default 1), SECONDS publish duration (default 20)
# Env:   CODECS="vp8 h264"  RECEIVERS="sluice webrtcbin"  BENCH_KEEP=dir (keep logs)  SLUICE_JAVA_OPTS
# Prints per run, receiver and codec:
#   BENCH name=sluice|webrtcbin run=N codec=VP8|H264 status=ok fps= kbps= res=WxH limit=REASON
#   (or status=failed reason=...), then BENCH_MEDIAN lines and a markdown table, receivers side by side.
set -u
RUNS=${1:-1}; SECS=${2:-20}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CODECS=${CODECS:-"vp8 h264"}; RECEIVERS=${RECEIVERS:-"sluice webrtcbin"}
bench_workdir webrtc-ramp
case " $RECEIVERS " in *" sluice "*) build_sluice || { echo "build failed" >&2; exit 1; };; esac

# figures LOG : "fps kbps WxH limit" from the publisher's WHIP|{json} line, empty when it has none
figures() {
  "$PY" - "$1" "$SECS" <<'PYEOF'
import json, sys
secs = float(sys.argv[2])
for line in open(sys.argv[1], errors='replace'):
    if line.startswith('WHIP|{'):
        r = json.loads(line[5:])
        v = next((o for o in r.get('outbound', []) if o.get('kind') == 'video'), None)
        if v and r.get('connectionState') == 'connected':
            print('%.1f %d %sx%s %s' % ((v.get('framesEncoded') or 0) / secs, (v.get('bytesSent') or 0) * 8 / secs / 1000,
                  v.get('frameWidth'), v.get('frameHeight'), v.get('qualityLimitationReason')))
PYEOF
}

# leg RECEIVER RUN CODEC : one publish; prints its BENCH line
leg() {
  local r=$1 i=$2 c=$3 d="$W/run$2-$1-$3" H RT UP U url SP rp="" f
  mkdir -p "$d"
  PIDS=()
  H=$(free_ports 1)
  case "$r" in
    sluice)
      RT=$(free_ports 1); UP=$(free_udp_pair); U=$(free_udp_ports 1)
      WEBRTC_PORT=$H WEBRTC_UDP_PORT=$U sluice_listeners "$RT" "$UP" > "$d/sluice.yml"
      timeout -k 5 $((SECS + 60)) "$REPO/sluice" "$d/sluice.yml" > "$d/receiver.log" 2>&1 &
      SP=$!; PIDS+=($SP)
      rp=$(java_pid_of "$SP"); [ -n "$rp" ] && JAVA_PIDS+=("$rp");;
    webrtcbin)
      timeout -k 5 $((SECS + 60)) "$PEERS/sink-whip.sh" "$H" $((SECS + 45)) > "$d/receiver.log" 2>&1 &
      SP=$!; PIDS+=($SP);;
  esac
  url="http://127.0.0.1:$H/live/ramp/whip"
  if ! wait_port "$H" 300; then
    echo "BENCH name=$r run=$i codec=${c^^} status=failed reason=start" | tee -a "$W/results"
    for p in "${PIDS[@]}"; do kill_tree "$p"; done; wait 2>/dev/null; return 1
  fi
  VCODEC=$c "$PEERS/publish-whip-chromium.sh" "$url" "$SECS" > "$d/pub.log" 2>&1
  f=$(figures "$d/pub.log")
  if [ -n "$rp" ]; then
    [ "$(stop_java "$rp" 5)" = hung ] && echo "NOTE run=$i sluice: the JVM did not exit within 5 s of SIGTERM (killed)"
    grep -a 'stopped publishing' "$d/receiver.log" | sed "s/^/NOTE run=$i sluice $c: /"
  fi
  for p in "${PIDS[@]}"; do kill_tree "$p"; done; wait 2>/dev/null
  if [ -z "$f" ]; then
    echo "BENCH name=$r run=$i codec=${c^^} status=failed reason=publisher $(grep -a '^PUBLISHED' "$d/pub.log" | tail -1)" \
      | tee -a "$W/results"
    return 1
  fi
  set -- $f
  echo "BENCH name=$r run=$i codec=${c^^} status=ok fps=$1 kbps=$2 res=$3 limit=$4" | tee -a "$W/results"
}

for i in $(seq 1 "$RUNS"); do
  for c in $CODECS; do
    for r in $RECEIVERS; do leg "$r" "$i" "$c"; done
  done
done

echo
{ echo "| codec | receiver | fps | kbit/s | resolution | limited by |"; echo "|---|---|---|---|---|---|"; } > "$W/table"
for c in $CODECS; do
  for r in $RECEIVERS; do
    ok=$(grep -a "name=$r .*codec=${c^^} status=ok" "$W/results" 2>/dev/null)
    fps=$(sed -n 's/.* fps=\([^ ]*\).*/\1/p' <<<"$ok" | awk '{printf "%d\n", $1 * 10}' | median)
    kbps=$(sed -n 's/.* kbps=\([^ ]*\).*/\1/p' <<<"$ok" | median)
    res=$(sed -n 's/.* res=\([^ ]*\).*/\1/p' <<<"$ok" | sort | uniq -c | sort -rn | awk 'NR==1{print $2}')
    lim=$(sed -n 's/.* limit=\([^ ]*\).*/\1/p' <<<"$ok" | sort | uniq -c | sort -rn | awk 'NR==1{print $2}')
    [ "$fps" != NA ] && fps=$(awk -v f="$fps" 'BEGIN{printf "%.1f", f / 10}')
    echo "BENCH_MEDIAN name=$r codec=${c^^} runs=$(grep -c . <<<"$ok") fps=$fps kbps=$kbps res=${res:-NA} limit=${lim:-NA}"
    echo "| ${c^^} | $r | $fps | $kbps | ${res:-NA} | ${lim:-NA} |" >> "$W/table"
  done
done
cat "$W/table"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
