# bench/lib.sh — helpers sourced by the bench scripts (not run directly).
# Free ports (TCP and UDP), Sluice config + start, /proc CPU/RSS/Pss sampling, SRT handshake facts from a capture, medians.
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
PEERS=${PEERS:-/work/shared/peers}
PY=/usr/bin/python3
CLK_TCK=$(getconf CLK_TCK)

# free_ports N -> N free TCP ports on 127.0.0.1 (bound to :0 together, then released)
free_ports() {
  $PY - "$1" <<'PYEOF'
import socket, sys
ss = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(('127.0.0.1', 0)); ss.append(s)
print(' '.join(str(s.getsockname()[1]) for s in ss))
PYEOF
}

# free_udp_pair -> even port P such that UDP P and P+1 are free on 127.0.0.1
free_udp_pair() {
  $PY - <<'PYEOF'
import socket
for _ in range(200):
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(('127.0.0.1', 0))
    p = a.getsockname()[1]
    if p % 2 or p >= 65534: a.close(); continue
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try: b.bind(('127.0.0.1', p + 1))
    except OSError: a.close(); continue
    print(p); break
PYEOF
}

# free_udp_ports N -> N free UDP ports on 127.0.0.1 (bound to :0 together, then released)
free_udp_ports() {
  $PY - "$1" <<'PYEOF'
import socket, sys
ss = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0)); ss.append(s)
print(' '.join(str(s.getsockname()[1]) for s in ss))
PYEOF
}

# sluice_conf FILE RTSP_PORT RTP_PORT TARGET_URL... : writes a config forwarding live/test to the targets
# (rtsp targets over TCP unless FWD_TRANSPORT says otherwise; srt targets with srtConfig.latency and the
# path's srtLatency = SRT_LATENCY_MS, default 120).
# Every other listener is put on 127.0.0.1:0 so runs never collide with other servers.
# Env: SLUICE_PATH (default live/test) = the forwarded path; RTMP_PORT = RTMP listener port (else :0);
#      SRT_PORT = SRT listener port (UDP, else :0).
sluice_conf() {
  local f=$1 rp=$2 up=$3 u; shift 3
  {
    sluice_listeners "$rp" "$up"
    echo "writeQueueSize: ${QUEUE:-512}"
    echo "paths:"
    echo "  ${SLUICE_PATH:-live/test}:"
    # the SRT latency offered to callers of the path (the publisher), like the relays' listeners
    echo "    srtLatency: ${SRT_LATENCY_MS:-120}"
    echo "    forwardTargets:"
    for u in "$@"; do
      case "$u" in
        rtsp://*|rtsps://*) echo "      - {url: $u, rtspConfig: {transport: ${FWD_TRANSPORT:-tcp}}}";;
        srt://*) echo "      - {url: \"$u\", srtConfig: {latency: ${SRT_LATENCY_MS:-120}}}";;
        *) echo "      - {url: $u}";;
      esac
    done
  } > "$f"
}

# sluice_listeners RTSP_PORT RTP_PORT : the top of a config (log level and listeners): RTSP on
# RTSP_PORT, RTP/RTCP on RTP_PORT/RTP_PORT+1, RTMP on $RTMP_PORT, SRT on $SRT_PORT and WebRTC HTTP on
# $WEBRTC_PORT and its ICE UDP port (webrtcLocalUDPAddress) on $WEBRTC_UDP_PORT (else :0), the rest :0, so
# that two benches never share a port.
sluice_listeners() {
  echo "logLevel: ${SLUICE_LOGLEVEL:-info}"
  echo "rtspAddress: 127.0.0.1:$1"
  echo "rtpAddress: 127.0.0.1:$2"
  echo "rtcpAddress: 127.0.0.1:$(($2 + 1))"
  echo "rtmpAddress: 127.0.0.1:${RTMP_PORT:-0}"
  echo "srtAddress: 127.0.0.1:${SRT_PORT:-0}"
  echo "webrtcAddress: 127.0.0.1:${WEBRTC_PORT:-0}"
  echo "webrtcLocalUDPAddress: 127.0.0.1:${WEBRTC_UDP_PORT:-0}"
  local k
  for k in apiAddress metricsAddress; do echo "$k: 127.0.0.1:0"; done
}

# cached_source [VBITRATE] [ACODEC] -> path of a 20 s H264 (640x360@30, baseline, g=30, VBITRATE, default 1M) +
# audio file in $CACHE (default /tmp/sluice-bench), encoded once; the fan-out benches loop it with
# `ffmpeg -re -stream_loop -1 -c copy`, so publishers cost no encoding. ACODEC: aac (default: AAC 64k mono,
# src-VBITRATE.mkv) or opus (Opus 64k stereo 20 ms frames, src-VBITRATE-opus.mkv: WebRTC carries no AAC).
cached_source() {
  local br=${1:-1M} ac=${2:-aac} cache=${CACHE:-/tmp/sluice-bench} src aopts
  case "$ac" in
    aac) src="$cache/src-$br.mkv"; aopts=(-c:a aac -b:a 64k -ac 1);;
    opus) src="$cache/src-$br-opus.mkv"; aopts=(-c:a libopus -b:a 64k -ac 2 -application lowdelay -frame_duration 20);;
    *) echo "cached_source: audio codec must be aac or opus" >&2; return 1;;
  esac
  if [ ! -s "$src" ]; then
    mkdir -p "$cache"
    timeout 300 ffmpeg -hide_banner -nostdin -loglevel error -y -f lavfi -i "testsrc2=size=640x360:rate=30" \
      -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 20 -map 0:v -c:v libx264 -profile:v baseline \
      -preset veryfast -tune zerolatency -g 30 -keyint_min 30 -sc_threshold 0 -bf 0 -pix_fmt yuv420p \
      -b:v "$br" -maxrate "$br" -bufsize "$br" -map 1:a "${aopts[@]}" "$src.tmp.mkv" \
      && mv "$src.tmp.mkv" "$src" || { echo "cannot build $src" >&2; return 1; }
  fi
  echo "$src"
}

# build_sluice: package once if the jar is missing or stale, then record the AOT cache if missing
build_sluice() {
  local jar="$REPO/target/sluice.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$REPO/src/main" "$REPO/pom.xml" -newer "$jar" -print -quit)" ]; then
    # offline first (the rig has no network as a rule); online only if the local repository lacks something
    (cd "$REPO" && export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 \
      && { timeout 600 mvn -q -B -o -DskipTests package || timeout 600 mvn -q -B -DskipTests package; }) >&2 || return 1
  fi
  # the AOT cache for this build and SLUICE_JAVA_OPTS, recorded here and not inside a timed run's timeout
  # (./sluice records it on its first start otherwise); SLUICE_AOT=off skips it
  [ "${SLUICE_AOT:-auto}" = off ] || timeout 900 "$REPO/sluice" aot >&2 || return 1
}

# java_pid_of PID -> the java process started under PID (timeout -> sluice(exec java))
java_pid_of() {
  local p=$1 i c
  for i in $(seq 1 50); do
    c=$(pgrep -P "$p" | head -1)
    if [ -n "$c" ] && grep -q java "/proc/$c/cmdline" 2>/dev/null; then echo "$c"; return; fi
    grep -q java "/proc/$p/cmdline" 2>/dev/null && { echo "$p"; return; }
    sleep 0.1
  done
}

# proc_pid_of PID PATTERN -> the process started under PID whose command line contains PATTERN: a child
# of PID first (PID is a `timeout` wrapper, whose own command line names the program too), else PID
# itself once it has exec'd (waits up to 5 s for it)
proc_pid_of() {
  local p=$1 i c
  for i in $(seq 1 50); do
    for c in $(pgrep -P "$p"); do grep -qa -- "$2" "/proc/$c/cmdline" 2>/dev/null && { echo "$c"; return; }; done
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" != timeout ] && grep -qa -- "$2" "/proc/$p/cmdline" 2>/dev/null && { echo "$p"; return; }
    sleep 0.1
  done
}

# udp_ports_of PID -> comma-separated local ports of the UDP sockets PID has open (ss -p; empty if none)
udp_ports_of() {
  ss -Huanp 2>/dev/null | awk -v p="pid=$1," 'index($0, p) { n = split($4, a, ":"); print a[n] }' | sort -un | paste -sd,
}

# cpu_ticks PID -> utime+stime in clock ticks (fields 14, 15 of /proc/PID/stat)
cpu_ticks() {
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
# pss_kb PID -> proportional set size in kB (shared library pages split between the processes that map
# them, so a sum over many processes of the same program is not inflated the way a sum of RSS is)
pss_kb() { awk '/^Pss:/{print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
# core_busy_ticks CORE -> busy ticks (user+nice+system+irq+softirq+steal) of one core from /proc/stat
core_busy_ticks() { awk -v c="cpu$1" '$1 == c { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
# vmhwm_kb PID -> peak RSS in kB
vmhwm_kb() { awk '/^VmHWM:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# wait_udp_port PORT [tries] : until a UDP socket is bound on 127.0.0.1:PORT (an SRT listener). Never sends.
wait_udp_port() {
  local i
  for i in $(seq 1 "${2:-100}"); do
    ss -Hlun "sport = :$1" 2>/dev/null | grep -q . && return 0
    sleep 0.1
  done
  return 1
}

# srt_listener_hs PCAP PORT -> "LATENCY_MS HS_US" for the SRT listener on PORT, from its handshake in a capture
# (the last caller conclusion request to PORT and the conclusion response that followed):
#   LATENCY_MS = the TSBPD receive latency the listener agreed to (its HSRSP; libsrt takes the larger of the
#                caller's and the listener's setting);
#   HS_US      = µs between the caller's conclusion request and the listener's response. libsrt takes the
#                TSBPD time base of the session when it processes the request's HSREQ, after a listen
#                callback has run, so time spent before that (e.g. in a slow callback) delays the delivery of
#                every packet of the session by up to that much (the drift tracker corrects only past 5 ms).
# Prints "NA NA" when the capture holds no such handshake.
srt_listener_hs() {
  timeout 120 tshark -r "$1" -d "udp.port==$2,srt" -Y "udp.port == $2 && srt.type == 0x0000" \
    -T fields -e frame.time_epoch -e udp.dstport -e srt.hs.reqtype -e srt.hs.agent_latency 2>/dev/null |
  awk -v p="$2" '
    $3 == -1 && $2 == p { tq = $1; next }                      # conclusion request to the listener
    $3 == -1 && $2 != p && tq != "" { lat = $4; hs = ($1 - tq) * 1e6; tq = "" }
    END { if (lat == "") print "NA NA"; else { split(lat, a, ","); printf "%s %d\n", a[1], hs } }'
}

# wait_port PORT [tries] : until something listens on 127.0.0.1:PORT. Uses ss, never connects:
# a probe connection would use up the single session of an ffmpeg -rtsp_flags listen peer.
wait_port() {
  local i
  for i in $(seq 1 "${2:-100}"); do
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q . && return 0
    sleep 0.1
  done
  return 1
}

# median of numbers on stdin (one per line); empty -> NA
median() { sort -n | awk '{a[NR]=$1} END{ if(NR==0){print "NA"} else if(NR%2){print a[(NR+1)/2]} else {printf "%d\n", (a[NR/2]+a[NR/2+1])/2} }'; }

# kill_tree PID [SIG] : signals (TERM by default) a process and its descendants (only what we started)
kill_tree() {
  local p=$1 sig=${2:-TERM} c
  for c in $(pgrep -P "$p" 2>/dev/null); do kill_tree "$c" "$sig"; done
  kill "-$sig" "$p" 2>/dev/null
}

# stop_java PID [GRACE_S] : TERM a JVM, KILL it if it has not exited after GRACE_S (default 5) seconds.
# Prints "hung" when it had to be killed (e.g. stuck in a native library's exit handler).
stop_java() {
  local p=$1 i
  kill -TERM "$p" 2>/dev/null || return 0
  for i in $(seq 1 $((${2:-5} * 10))); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null && echo hung
}

# bench_workdir NAME : makes the run's work directory $W (/tmp/bench-NAME.XXXXXX), empty PIDS and JAVA_PIDS
# arrays for what the bench starts, and an EXIT trap that stops them (TERM to each process tree, then KILL),
# keeps $W in $BENCH_KEEP when set (captures *.pcap only with KEEP_PCAP=1: they are large), and removes it.
# Every bench that starts peers calls it once.
bench_workdir() {
  W=$(mktemp -d "/tmp/bench-$1.XXXXXX")
  PIDS=()
  JAVA_PIDS=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}
bench_cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill_tree "$p"; done
  sleep 0.5
  for p in "${PIDS[@]}"; do kill_tree "$p" KILL; done
  for p in "${JAVA_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  if [ -n "${BENCH_KEEP:-}" ]; then
    mkdir -p "$BENCH_KEEP"
    [ -n "${KEEP_PCAP:-}" ] || find "$W" -name '*.pcap' -delete
    cp -r "$W"/. "$BENCH_KEEP"/
  fi
  rm -rf "$W"
}
