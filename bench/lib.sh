# bench/lib.sh — helpers sourced by the bench scripts (not run directly).
# Free ports, Sluice config + start, /proc CPU/RSS sampling, medians.
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

# sluice_conf FILE RTSP_PORT RTP_PORT TARGET_URL... : writes a config forwarding live/test to the targets
# (rtsp targets over TCP unless FWD_TRANSPORT says otherwise).
# Every other listener is put on 127.0.0.1:0 so runs never collide with other servers.
# Env: SLUICE_PATH (default live/test) = the forwarded path; RTMP_PORT = RTMP listener port (else :0).
sluice_conf() {
  local f=$1 rp=$2 up=$3 u; shift 3
  {
    echo "logLevel: ${SLUICE_LOGLEVEL:-info}"
    echo "rtspAddress: 127.0.0.1:$rp"
    echo "rtpAddress: 127.0.0.1:$up"
    echo "rtcpAddress: 127.0.0.1:$((up + 1))"
    echo "rtmpAddress: 127.0.0.1:${RTMP_PORT:-0}"
    for k in srtAddress webrtcAddress apiAddress metricsAddress; do echo "$k: 127.0.0.1:0"; done
    echo "writeQueueSize: ${QUEUE:-512}"
    echo "paths:"
    echo "  ${SLUICE_PATH:-live/test}:"
    echo "    forwardTargets:"
    for u in "$@"; do
      case "$u" in
        rtsp://*|rtsps://*) echo "      - {url: $u, rtspConfig: {transport: ${FWD_TRANSPORT:-tcp}}}";;
        *) echo "      - {url: $u}";;
      esac
    done
  } > "$f"
}

# build_sluice: package once if the jar is missing or stale
build_sluice() {
  local jar="$REPO/target/sluice.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$REPO/src/main" "$REPO/pom.xml" -newer "$jar" -print -quit)" ]; then
    (cd "$REPO" && JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 timeout 600 mvn -q -B -DskipTests package) >&2 || return 1
  fi
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

# cpu_ticks PID -> utime+stime in clock ticks (fields 14, 15 of /proc/PID/stat)
cpu_ticks() {
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
# vmhwm_kb PID -> peak RSS in kB
vmhwm_kb() { awk '/^VmHWM:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

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

# kill_tree PID : TERM then KILL a process and its descendants (only what we started)
kill_tree() {
  local p=$1 c
  for c in $(pgrep -P "$p" 2>/dev/null); do kill_tree "$c"; done
  kill -TERM "$p" 2>/dev/null
}
