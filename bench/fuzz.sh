#!/usr/bin/env bash
# fuzz.sh — runs Sluice's Jazzer fuzz targets in fuzzing mode (coverage-guided, JAZZER_FUZZ=1).
#   bench/fuzz.sh [SECONDS_PER_TARGET] [Class#method ...]     default: 60 s, every target
#   bench/fuzz.sh 10 RtspFuzzTest#stream RtmpFuzzTest#chunks  a few targets, 10 s each (what CI runs)
# Without JAZZER_FUZZ, `mvn test` runs the same targets only on their committed seeds (regression
# mode). Jazzer fuzzes one @FuzzTest per JVM, so each round takes at most one method per class and
# runs with -DreuseForks=false (one JVM per class). New inputs go to .cifuzz-corpus/ (ignored by git);
# a crash, leak, timeout (-timeout, default 10 s per input) or uncaught exception is written as
# src/test/resources/<pkg>/<Class>Inputs/<method>/crash-*: fix the parser, rename the file after the
# bug and commit it, and the regression run keeps it fixed. Exit status 1 when any target found something.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
export JAVA_HOME=${SLUICE_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
seconds=${1:-60}
shift || true
ALL=(RtspFuzzTest#stream RtspFuzzTest#headers
     RtpFuzzTest#packets RtpFuzzTest#rtcp RtpFuzzTest#fmtp
     SdpFuzzTest#announce WebrtcSdpFuzzTest#offer
     RtmpFuzzTest#chunks RtmpFuzzTest#amf0 RtmpFuzzTest#handshake
     TsDemuxerFuzzTest#srtDatagrams SrtStreamIdFuzzTest#streamId
     HttpFuzzTest#connection WebrtcHttpFuzzTest#request ApiFuzzTest#request ApiFuzzTest#configPatch
     ConfFuzzTest#yaml)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL[@]}")

mkdir -p target/fuzz
mvn -B -o -q test-compile || exit 2
before=$(find src/test/resources/io -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' | sort)
status=0
round=0
remaining=("${targets[@]}")
while [ ${#remaining[@]} -gt 0 ]; do
  round=$((round + 1))
  declare -A seen=()
  now=() later=()
  for t in "${remaining[@]}"; do
    cls=${t%%#*}
    if [ -z "${seen[$cls]:-}" ]; then seen[$cls]=1; now+=("$t"); else later+=("$t"); fi
  done
  unset seen
  list=$(IFS=,; echo "${now[*]}")
  log=target/fuzz/round-$round.log
  echo "fuzz round $round: ${now[*]} (${seconds}s each) → $log"
  JAZZER_FUZZ=1 nice -n "${FUZZ_NICE:-10}" mvn -B -o test -Dtest="$list" -DreuseForks=false -Dfuzz.quiet=false \
      -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.internal.arg.0=sluice-fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" \
      -Djazzer.internal.arg.2=-timeout="${FUZZ_TIMEOUT:-10}" >"$log" 2>&1 || status=1
  grep -a -E '^Done [0-9]+ runs|^\[(INFO|ERROR)\] Tests run:.* -- in |FuzzTestFinding' "$log" | sed 's/^/  /'
  remaining=("${later[@]}")
done
after=$(find src/test/resources/io -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' | sort)
found=$(comm -13 <(echo "$before") <(echo "$after"))
if [ -n "$found" ]; then
  echo "new findings (inputs saved as regression seeds):"; echo "$found" | sed 's/^/  /'
  status=1
fi
[ $status = 0 ] && echo "fuzz: no findings" || echo "fuzz: FINDINGS or failures, see target/fuzz/*.log"
exit $status
