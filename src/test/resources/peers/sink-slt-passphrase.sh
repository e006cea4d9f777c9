#!/bin/bash
# sink-slt-passphrase.sh PORT PASSPHRASE seconds
#   SRT forward target with encryption: srt-live-transmit (srt-tools, the SRT reference app) as an
#   AES listener on 127.0.0.1:PORT writing what it receives to a file, then ffprobe counts frames.
#   (shared/peers/sink-srt.sh IMPL=slt takes no passphrase.)
# Prints: RECEIVED video=CODEC frames=N audio=CODEC frames=M bytes=B
set -u
PORT=${1:?PORT}; PW=${2:?PASSPHRASE}; SECS=${3:?seconds}
T=$(mktemp -d /tmp/sink-slt-pw.XXXXXX); trap 'rm -rf "$T"' EXIT
timeout --foreground -s INT -k 3 "$SECS" srt-live-transmit -q -a:no \
  "srt://127.0.0.1:$PORT?mode=listener&latency=120&passphrase=$PW&pbkeylen=16" file://con > "$T/out.ts" 2> "$T/slt.log"
grep -iE "error|fail|reject" "$T/slt.log" | head -5 | sed 's/^/LOG|/'
vc=none vf=0 ac=none af=0
while IFS=, read -r codec type frames; do
  [ "$type" = video ] && [ "$vc" = none ] && { vc=$codec; vf=${frames:-0}; }
  [ "$type" = audio ] && [ "$ac" = none ] && { ac=$codec; af=${frames:-0}; }
done < <(timeout -k 3 60 ffprobe -v error -count_frames -show_entries stream=codec_name,codec_type,nb_read_frames \
  -of csv=p=0 "$T/out.ts" 2>/dev/null)
echo "RECEIVED video=$vc frames=$vf audio=$ac frames=$af bytes=$(stat -c %s "$T/out.ts")"
