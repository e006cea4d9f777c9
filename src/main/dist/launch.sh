# launch.sh — sourced by both launchers (the repository's ./sluice and the release tarball's sluice);
# not run directly. It holds what they share: the JVM options, the classpath, and the JDK's
# ahead-of-time cache (JEP 483/514/515), recorded once from a training run and reused at every start.
#
# sluice_launch JAVA JAR DEPS OPTIONS AOTDIR [ARGS...]
#   JAVA    the java binary (a JDK's, or the tarball's jlink'd runtime)
#   JAR     sluice.jar;  DEPS  the directory of every runtime dependency (*.jar)
#   OPTIONS a jvm.options file (may be absent)
#   AOTDIR  where the cache lives (sluice-HASH.aot); HASH covers the runtime (its lib/modules), every jar
#           (name, size, mtime) and the JVM options, so a new build, runtime or option records a new cache
#   ARGS    Sluice's arguments; "--aot-only" records the cache if needed and exits
# Env: SLUICE_JAVA_OPTS   more JVM options (part of the hash: a cache is only valid for its options)
#      SLUICE_AOT=auto    (default) record the cache when missing, use it when valid, else run without
#                 on      as auto, but the JVM refuses to start if it cannot use the cache
#                         (-XX:AOTMode=on): for tests and benchmarks that must know it is used
#                 off     no cache
# jvm.options: one JVM option per line; blank lines and lines starting with # are ignored.

sluice_launch() {
  local java=$1 jar=$2 deps=$3 optfile=$4 aotdir=$5; shift 5
  local -a opts
  # FFM: libsrt is loaded through the foreign-function API. ZGC (also the first line of jvm.options)
  # keeps GC pauses well under a millisecond: a pause is added latency for every packet in flight.
  opts=(--enable-native-access=ALL-UNNAMED -XX:+UseZGC)
  if [ -f "$optfile" ]; then
    local line
    while IFS= read -r line || [ -n "$line" ]; do
      line=${line%%$'\r'}
      case "$line" in ''|'#'*) continue;; esac
      opts+=("$line")
    done < "$optfile"
  fi
  # shellcheck disable=SC2206
  [ -n "${SLUICE_JAVA_OPTS:-}" ] && opts+=($SLUICE_JAVA_OPTS)
  # An explicit, sorted classpath: the AOT cache is valid only for the classpath it was recorded with,
  # and a wildcard's expansion order is the directory's.
  local cp=$jar j
  for j in $(LC_ALL=C ls "$deps" | grep '\.jar$'); do
    [ "$deps/$j" -ef "$jar" ] || cp="$cp:$deps/$j"
  done
  local mode=${SLUICE_AOT:-auto} aot="" only=0
  [ "${1:-}" = --aot-only ] && { only=1; shift; }
  case "$mode" in
    auto|on)
      local hash
      # no absolute path in it: an unpacked tarball moved elsewhere keeps its cache (the JDK accepts a
      # classpath moved as a whole since JDK 23)
      local -a jars; IFS=: read -ra jars <<<"$cp"
      hash=$({ stat -L -c '%s %Y' "$(dirname "$java")/../lib/modules"; \
               for j in "${jars[@]}"; do echo "$(basename "$j") $(stat -L -c '%s %Y' "$j")"; done; \
               printf '%s\n' "${opts[@]}"; } | sha1sum | cut -c1-12)
      aot="$aotdir/sluice-$hash.aot"
      [ -f "$aot" ] || { [ ! -f "$aot.failed" ] && sluice_train "$java" "$cp" "$aot" "${opts[@]}"; } || aot=""
      if [ -n "$aot" ]; then
        opts+=("-XX:AOTCache=$aot")
        [ "$mode" = on ] && opts+=(-XX:AOTMode=on)
      elif [ "$mode" = on ]; then
        echo "sluice: SLUICE_AOT=on but there is no AOT cache" >&2; return 1
      fi;;
    off) ;;
    *) echo "sluice: SLUICE_AOT must be auto, on or off (not '$mode')" >&2; return 2;;
  esac
  [ "$only" = 1 ] && return 0
  exec "$java" "${opts[@]}" -cp "$cp" io.sluice.Main "$@"
}

# sluice_train JAVA CP CACHE OPTS... : runs io.sluice.Main --train with -XX:AOTCacheOutput=CACHE (JEP 514:
# the JVM records the training run and, at its exit, assembles the cache in a child JVM). One at a time
# (flock); the other caches in the directory (older builds) are removed. Its log: CACHE.log. If no cache
# came out, CACHE.failed keeps later starts from training again for the same build and options.
sluice_train() {
  local java=$1 cp=$2 aot=$3; shift 3
  local dir; dir=$(dirname "$aot")
  mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ] || {
    echo "sluice: cannot write the AOT cache in $dir; running without it" >&2; return 1; }
  (
    flock -w 600 9 || { echo "sluice: another start has been recording the AOT cache for 10 min" >&2; exit 1; }
    [ -f "$aot" ] && exit 0  # recorded by the start that held the lock
    echo "sluice: recording the AOT cache (once per build; a ~10 s training run)…" >&2
    local t0=$SECONDS
    # the training's exit status only says whether the stream reached every hop; the cache is written anyway
    "$java" "$@" -XX:AOTCacheOutput="$aot.tmp" -Xlog:aot=error -Xlog:aot+cds=error \
        -cp "$cp" io.sluice.Main --train > "$aot.log" 2>&1 || echo "training exit status $?" >> "$aot.log"
    if [ -s "$aot.tmp" ]; then
      find "$dir" -maxdepth 1 -name 'sluice-*.aot*' ! -name "$(basename "$aot").*" -delete
      mv "$aot.tmp" "$aot"
      echo "sluice: AOT cache recorded in $((SECONDS - t0)) s: $aot ($(grep -a 'training:' "$aot.log" | tail -1))" >&2
    else
      rm -f "$aot.tmp"; touch "$aot.failed"
      echo "sluice: could not record the AOT cache (see $aot.log); running without it:" >&2
      tail -5 "$aot.log" >&2
      exit 1
    fi
  ) 9>"$dir/.sluice-aot.lock"
}
