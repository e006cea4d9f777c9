#!/usr/bin/env bash
# bench/shutdown-stress.sh [ROUNDS] [CHURN] — SIGTERM and run-time-change stress of the real server process.
#
# Each round launches Sluice exactly as ./sluice does (java -cp target/sluice.jar:target/lib/* io.sluice.Main),
# with one path forwarded to targets of every protocol, live and dead:
#   srt-ok    srt://  -> srt-live-transmit listener (forwarding)
#   srt-dead  srt://  -> a UDP port that takes packets and never answers (connecting: srt_connect in flight)
#   rtmp-ok   rtmp:// -> nginx-rtmp (forwarding)
#   rtsp-ok   rtsp:// -> GStreamer's RTSP server in RECORD mode (forwarding)
#   rtsp-dead rtsp:// -> a TCP port that accepts and never answers (connecting)
#   rtmp-ref  rtmp:// -> a closed TCP port (backoff)
# a publisher (ffmpeg -re -c copy of a cached H264 High + B-frames + AAC clip; over RTSP in even rounds, over
# SRT into Sluice's SRT listener in odd ones), and sends SIGTERM at a random moment: during start-up (1 round
# in 4), or 0-6 s after the publisher started (targets connecting,
# forwarding, in backoff). Start-up SIGTERMs come at a random start-up milestone (config read, RTSP/SRT/WebRTC
# listeners open, API about to open) plus 0-300 ms. Then CHURN times: add a target through the HTTP API, wait 0-300 ms (it is
# connecting), delete it; and a last SIGTERM.
# A round fails on: exit status other than 0/143, no exit within BOUND_S (20 s) of SIGTERM, an hs_err_pid
# file, or a glibc/JVM crash report in the output ("malloc(", "double free", "corrupted", "SIGSEGV",
# "A fatal error"). The states the targets were in when SIGTERM came are counted (from the API).
# Prints one 'ROUND ...' line per round, 'CHURN ...', and 'STRESS rounds=.. failed=.. ...'; exit 0 iff none failed.
# Env: BENCH_KEEP=dir keeps the logs; BOUND_S=20; DURATION_S=N starts no round after N s (then the churn).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROUNDS=${1:-100}; CHURN=${2:-500}; BOUND_S=${BOUND_S:-20}
JAVA_HOME=${SLUICE_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
W=$(mktemp -d /tmp/sluice-stress.XXXXXX)
PIDS=()   # process groups: every background peer runs under setsid, so its children go with it
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done
  sleep 0.5
  for p in "${PIDS[@]}"; do kill -9 -- "-$p" 2>/dev/null; done
  if [ -n "${BENCH_KEEP:-}" ]; then mkdir -p "$BENCH_KEEP" && cp -r "$W"/. "$BENCH_KEEP"/; fi
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# its rounds run java directly, without the AOT cache: no need to record one
SLUICE_AOT=off build_sluice || { echo "STRESS build failed"; exit 1; }
JAR="$REPO/target/sluice.jar"

# The clip: camera-like H264 (High, 2 B-frames, 720p, GOP 2 s so targets start fast) + AAC, encoded once.
CLIP="$REPO/target/stress/clip.mkv"
if [ ! -s "$CLIP" ]; then
  mkdir -p "$(dirname "$CLIP")"
  timeout 300 ffmpeg -hide_banner -nostdin -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=30" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 12 -map 0:v -c:v libx264 -profile:v high -preset veryfast \
    -bf 2 -g 60 -keyint_min 60 -sc_threshold 0 -pix_fmt yuv420p -b:v 2M -maxrate 2M -bufsize 2M \
    -map 1:a -c:a aac -b:a 64k "$CLIP.tmp.mkv" && mv "$CLIP.tmp.mkv" "$CLIP" || { echo "STRESS cannot encode $CLIP"; exit 1; }
fi

# Peers, up for the whole run (bounded generously: ~15 s per round and 0.3 s per churn step).
TOTAL_S=$((ROUNDS * 15 + CHURN / 3 + 120))
read -r SILENT_UDP <<<"$(free_udp_ports 1)"
read -r RTMP_SINK RTSP_SINK SILENT_TCP CLOSED_TCP <<<"$(free_ports 4)"
# srt_sink NAME -> starts an srt-live-transmit listener on a new port SRT_SINK (one per round: it takes one
# caller at a time, so a caller of the previous round that it has not timed out yet must not block this one)
srt_sink() {
  read -r SRT_SINK <<<"$(free_udp_ports 1)"
  setsid timeout -k 3 "$TOTAL_S" srt-live-transmit -q -a:yes "srt://127.0.0.1:$SRT_SINK?mode=listener" file://con \
    > /dev/null 2> "$W/slt-$1.log" &
  SLT=$!; PIDS+=("$SLT")
  wait_udp_port "$SRT_SINK" 100
}
MOD=/usr/lib/nginx/modules/ngx_rtmp_module.so
mkdir -p "$W/nginx/logs"
cat > "$W/nginx/nginx.conf" <<EOF
load_module $MOD;
daemon off;
master_process off;
error_log $W/nginx/logs/error.log warn;
pid $W/nginx/nginx.pid;
events { worker_connections 1024; }
rtmp { server { listen 127.0.0.1:$RTMP_SINK; chunk_size 4096; application live { live on; } } }
EOF
setsid timeout -k 3 "$TOTAL_S" nginx -p "$W/nginx" -c "$W/nginx/nginx.conf" > "$W/nginx.out" 2>&1 &
PIDS+=($!)
IMPL=gst setsid timeout -k 3 "$TOTAL_S" "$PEERS/sink-rtsp.sh" "$RTSP_SINK" live/s "$((TOTAL_S - 5))" > "$W/rtsp-sink.log" 2>&1 &
PIDS+=($!)
# silent UDP (an SRT caller's handshake gets no answer) and a TCP port that accepts and never answers
setsid timeout -k 3 "$TOTAL_S" "$PY" - "$SILENT_UDP" "$SILENT_TCP" <<'PYEOF' &
import socket, sys, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', int(sys.argv[1])))
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(('127.0.0.1', int(sys.argv[2]))); t.listen(1024)
held = []
t.settimeout(0.2); u.settimeout(0.2)
while True:
    try: held.append(t.accept()[0])          # accepted, never answered
    except OSError: pass
    try: u.recvfrom(2048)                    # read and dropped
    except OSError: pass
PYEOF
PIDS+=($!)
wait_port "$RTMP_SINK" 100 && wait_port "$RTSP_SINK" 150 \
  || { echo "STRESS peers did not start"; cat "$W"/*.log "$W/nginx.out" 2>/dev/null | tail -20; exit 1; }

targets_yaml() {
  cat <<EOF
      - {id: srt-ok, url: "srt://127.0.0.1:$SRT_SINK?streamid=publish:s", reconnectDelay: 200ms, reconnectMaxDelay: 1s}
      - {id: srt-dead, url: "srt://127.0.0.1:$SILENT_UDP", reconnectDelay: 200ms, reconnectMaxDelay: 1s}
      - {id: rtmp-ok, url: "rtmp://127.0.0.1:$RTMP_SINK/live/s", reconnectDelay: 200ms, reconnectMaxDelay: 1s}
      - {id: rtsp-ok, url: "rtsp://127.0.0.1:$RTSP_SINK/live/s", rtspConfig: {transport: tcp}, reconnectDelay: 200ms, reconnectMaxDelay: 1s}
      - {id: rtsp-dead, url: "rtsp://127.0.0.1:$SILENT_TCP/x", reconnectDelay: 200ms, reconnectMaxDelay: 1s}
      - {id: rtmp-ref, url: "rtmp://127.0.0.1:$CLOSED_TCP/live/x", reconnectDelay: 200ms, reconnectMaxDelay: 1s}
EOF
}

# msleep MS : sleeps MS milliseconds
msleep() { sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }
# alive PID : the process runs (a child that exited stays a zombie until waited for: kill -0 would say yes)
alive() { local s; s=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null); [ -n "$s" ] && [ "$s" != Z ]; }

# launch CONF LOG -> sets SPID (the java process itself: SIGTERM goes to the JVM, as a service manager's would)
launch() {
  setsid "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseZGC -Xms64m \
    -XX:ErrorFile="$W/hs_err_pid%p.log" -cp "$JAR:$REPO/target/lib/*" io.sluice.Main "$1" > "$2" 2>&1 &
  SPID=$!
  PIDS+=("$SPID")
}

# await_line LOG REGEX SECONDS -> 0 when a line matches
await_line() {
  local i
  for i in $(seq 1 $(($3 * 20))); do grep -qE "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  return 1
}

api_port() { sed -n 's/.*API and status page on .*(port \([0-9]*\)).*/\1/p' "$1" | head -1; }

# states API -> "id=state,..." of every target, or "" (API not up)
states() {
  curl -s -m 5 "http://127.0.0.1:$1/v3/forwardtargets/list" 2>/dev/null | "$PY" -c '
import json, sys
try: d = json.load(sys.stdin)
except Exception as e: print("api-error"); sys.exit(0)
print(",".join("%s=%s" % (t.get("id"), t.get("state")) for t in d.get("items", [])))' 2>/dev/null
}

# stop_and_check LOG -> sets RESULT (ok or FAIL:reason), EXIT, STOP_MS; sends SIGTERM to SPID
stop_and_check() {
  local t0 i before
  before=$(ls "$W"/hs_err_pid* 2>/dev/null | wc -l)
  t0=$(date +%s%N)
  kill -TERM "$SPID" 2>/dev/null
  EXIT=""
  for i in $(seq 1 $((BOUND_S * 20))); do
    alive "$SPID" || break
    sleep 0.05
  done
  if alive "$SPID"; then
    timeout 20 "$JAVA_HOME/bin/jstack" "$SPID" > "$1.jstack" 2>&1
    kill -9 "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
    RESULT="FAIL:no-exit-within-${BOUND_S}s"; EXIT=killed; STOP_MS=$((BOUND_S * 1000))
    return
  fi
  wait "$SPID"; EXIT=$?
  STOP_MS=$((($(date +%s%N) - t0) / 1000000))
  RESULT=ok
  if [ "$EXIT" != 0 ] && [ "$EXIT" != 143 ]; then RESULT="FAIL:exit-$EXIT"; fi
  if grep -qE 'malloc\(|double free|corrupted|SIGSEGV|A fatal error|free\(\): ' "$1"; then
    RESULT="FAIL:crash-report($(grep -m1 -oE 'malloc\(\)[^.]*|double free[^.]*|corrupted[^.]*|SIGSEGV|A fatal error' "$1"))"
  fi
  if [ "$(ls "$W"/hs_err_pid* 2>/dev/null | wc -l)" != "$before" ]; then RESULT="FAIL:hs_err"; fi
}

FAILED=0; HANGS=0; CRASHES=0; MAXSTOP=0; STARTUP=0
declare -A SEEN
for r in $(seq 1 "$ROUNDS"); do
  if [ -n "${DURATION_S:-}" ] && [ "$SECONDS" -ge "$DURATION_S" ]; then ROUNDS=$((r - 1)); break; fi
  read -r RTSP RTP_BASE <<<"$(free_ports 1) $(free_udp_pair)"
  read -r SLUICE_SRT <<<"$(free_udp_ports 1)"
  CONF="$W/round-$r.yml"; LOG="$W/round-$r.log"
  srt_sink "$r"
  {
    echo "logLevel: info"
    echo "rtspAddress: 127.0.0.1:$RTSP"
    echo "rtpAddress: 127.0.0.1:$RTP_BASE"
    echo "rtcpAddress: 127.0.0.1:$((RTP_BASE + 1))"
    echo "rtmpAddress: 127.0.0.1:0"
    echo "srtAddress: 127.0.0.1:$SLUICE_SRT"
    echo "webrtcAddress: 127.0.0.1:0"
    echo "webrtcLocalUDPAddress: 127.0.0.1:0"
    echo "apiAddress: 127.0.0.1:0"
    echo "metricsAddress: 127.0.0.1:0"
    echo "readTimeout: 6s"
    echo "paths:"
    echo "  live/s:"
    echo "    forwardTargets:"
    targets_yaml
  } > "$CONF"
  launch "$CONF" "$LOG"
  MODE=run; AT=""; ST=""; PUB=""
  if [ $((RANDOM % 4)) = 0 ]; then
    # SIGTERM during start-up: at one of its milestones (picked at random), plus 0-300 ms, so that the
    # moment does not depend on how loaded the machine is: before the configuration is read, with the
    # RTSP, SRT or WebRTC listeners open but start-up unfinished, or just before the API opens.
    MODE=startup; STARTUP=$((STARTUP + 1))
    MILESTONES=('Sluice .* using' 'RTSP listener on' 'SRT listener on' 'WebRTC HTTP listener' 'api HTTP listener')
    M=${MILESTONES[$((RANDOM % ${#MILESTONES[@]}))]}
    await_line "$LOG" "$M" 60 || true
    AT=$((RANDOM % 300)); msleep "$AT"; AT="$AT@${M// /_}"
  else
    await_line "$LOG" 'Sluice started' 30 || true
    if [ $((r % 2)) = 0 ]; then
      setsid timeout -k 2 60 ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop -1 -i "$CLIP" -c copy \
        -f rtsp -rtsp_transport tcp "rtsp://127.0.0.1:$RTSP/live/s" > "$W/pub-$r.log" 2>&1 &
    else
      setsid timeout -k 2 60 ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop -1 -i "$CLIP" -c copy \
        -f mpegts "srt://127.0.0.1:$SLUICE_SRT?streamid=publish:live/s&pkt_size=1316" > "$W/pub-$r.log" 2>&1 &
    fi
    PUB=$!; PIDS+=("$PUB")
    AT=$((RANDOM % 6000)); msleep "$AT"
    P=$(api_port "$LOG"); [ -n "$P" ] && ST=$(states "$P")
    for kv in ${ST//,/ }; do SEEN[$kv]=$((${SEEN[$kv]:-0} + 1)); done
  fi
  stop_and_check "$LOG"
  [ -n "$PUB" ] && { kill -TERM -- "-$PUB" 2>/dev/null; wait "$PUB" 2>/dev/null; }
  kill -TERM -- "-$SLT" 2>/dev/null; wait "$SLT" 2>/dev/null
  [ "$STOP_MS" -gt "$MAXSTOP" ] && MAXSTOP=$STOP_MS
  case "$RESULT" in
    ok) ;;
    FAIL:no-exit*) FAILED=$((FAILED + 1)); HANGS=$((HANGS + 1));;
    FAIL:crash*|FAIL:hs_err) FAILED=$((FAILED + 1)); CRASHES=$((CRASHES + 1));;
    *) FAILED=$((FAILED + 1));;
  esac
  echo "ROUND $r mode=$MODE at_ms=$AT exit=$EXIT shutdown_ms=$STOP_MS states=${ST:-none} result=$RESULT"
  if [ "$RESULT" != ok ]; then tail -30 "$LOG" | sed 's/^/  LOG|/'; [ -f "$LOG.jstack" ] && grep -A12 'sluice-\|"main"' "$LOG.jstack" | head -60 | sed 's/^/  JSTACK|/'; fi
done

# Churn: targets added and deleted through the API while they connect, then SIGTERM.
CHURN_ERR=0; CHURN_RESULT=skipped; THREADS0=0; THREADS1=0
if [ "$CHURN" -gt 0 ]; then
  read -r RTSP RTP_BASE <<<"$(free_ports 1) $(free_udp_pair)"
  CONF="$W/churn.yml"; LOG="$W/churn.log"
  srt_sink churn
  printf '%s\n' "logLevel: info" "rtspAddress: 127.0.0.1:$RTSP" "rtpAddress: 127.0.0.1:$RTP_BASE" \
    "rtcpAddress: 127.0.0.1:$((RTP_BASE + 1))" "rtmpAddress: 127.0.0.1:0" "srtAddress: 127.0.0.1:0" \
    "webrtcAddress: 127.0.0.1:0" "webrtcLocalUDPAddress: 127.0.0.1:0" "apiAddress: 127.0.0.1:0" \
    "metricsAddress: 127.0.0.1:0" "readTimeout: 6s" "paths:" "  live/s:" "    forwardTargets:" > "$CONF"
  targets_yaml | grep -E 'srt-ok|rtmp-ok' >> "$CONF"
  launch "$CONF" "$LOG"
  if await_line "$LOG" 'Sluice started' 30; then
    setsid timeout -k 2 "$((CHURN + 120))" ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop -1 -i "$CLIP" \
      -c copy -f rtsp -rtsp_transport tcp "rtsp://127.0.0.1:$RTSP/live/s" > "$W/pub-churn.log" 2>&1 &
    PUB=$!; PIDS+=("$PUB")
    P=$(api_port "$LOG"); sleep 2
    THREADS0=$(awk '/^Threads:/{print $2}' "/proc/$SPID/status")
    URLS=("srt://127.0.0.1:$SRT_SINK?streamid=publish:c" "srt://127.0.0.1:$SILENT_UDP" \
      "rtmp://127.0.0.1:$RTMP_SINK/live/c" "rtsp://127.0.0.1:$SILENT_TCP/c" "rtsp://127.0.0.1:$RTSP_SINK/live/s")
    for i in $(seq 1 "$CHURN"); do
      u=${URLS[$((i % ${#URLS[@]}))]}
      code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        -d "{\"id\": \"churn-$i\", \"url\": \"$u\", \"reconnectDelay\": \"100ms\"}" \
        "http://127.0.0.1:$P/v3/forwardtargets/add/live/s")
      [ "$code" = 201 ] || CHURN_ERR=$((CHURN_ERR + 1))
      msleep $((RANDOM % 300))
      code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' -X DELETE \
        "http://127.0.0.1:$P/v3/forwardtargets/delete/live/s/churn-$i")
      [ "$code" = 200 ] || CHURN_ERR=$((CHURN_ERR + 1))
      alive "$SPID" || break
    done
    sleep 4 # connect threads of removed targets end within one connect slice (3 s)
    THREADS1=$(awk '/^Threads:/{print $2}' "/proc/$SPID/status" 2>/dev/null)
    ST=$(states "$P")
  fi
  stop_and_check "$LOG"
  [ -n "${PUB:-}" ] && { kill -TERM -- "-$PUB" 2>/dev/null; wait "$PUB" 2>/dev/null; }
  CHURN_RESULT=$RESULT
  [ "$RESULT" = ok ] && [ "$CHURN_ERR" = 0 ] || FAILED=$((FAILED + 1))
  echo "CHURN steps=$CHURN http_errors=$CHURN_ERR threads_before=$THREADS0 threads_after=$THREADS1 states=${ST:-none} exit=$EXIT shutdown_ms=$STOP_MS result=$RESULT"
  [ "$RESULT" != ok ] && tail -30 "$LOG" | sed 's/^/  LOG|/'
fi

SEEN_STR=$(for k in "${!SEEN[@]}"; do echo "$k:${SEEN[$k]}"; done | sort | paste -sd' ')
echo "STATES_AT_SIGTERM $SEEN_STR"
echo "STRESS rounds=$ROUNDS startup_rounds=$STARTUP failed=$FAILED hangs=$HANGS crashes=$CRASHES max_shutdown_ms=$MAXSTOP churn=$CHURN churn_result=$CHURN_RESULT"
[ "$FAILED" = 0 ]
