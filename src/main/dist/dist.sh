#!/usr/bin/env bash
# dist.sh [OUTDIR] — builds the release tarball OUTDIR/sluice-VERSION-linux-x64.tar.gz (OUTDIR: target/).
# Run by `./sluice dist` (which first builds target/sluice.jar and target/lib when the sources changed).
#   1. jdeps lists the JDK modules Sluice's jars use; jlink links a runtime of only those (plus
#      jdk.crypto.ec), without debug attributes, man pages or headers. Temurin 25 has no jmods: jlink
#      links from the JDK's own run-time image (JEP 493).
#   2. the jars, sluice.yml, the launcher, lib/launch.sh, lib/jvm.options (when present), the systemd
#      unit and INSTALL.md go next to it;
#   3. the unpacked tree's own launcher records the AOT cache (aot/) with that runtime: the cache is
#      valid for that runtime only, and for the tree wherever it is moved (same relative layout).
# Env: SLUICE_JAVA_HOME (the JDK that runs jdeps and jlink, default Temurin 25), DIST_MODULES (skip jdeps:
#      a comma-separated module list).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
jdk=${SLUICE_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
out=$(mkdir -p "${1:-$repo/target}" && cd "${1:-$repo/target}" && pwd)
version=$(sed -n '0,/<version>/s/.*<version>\(.*\)<\/version>.*/\1/p' "$repo/pom.xml")
name="sluice-$version"
jar="$repo/target/sluice.jar"
[ -f "$jar" ] && [ -d "$repo/target/lib" ] || { echo "dist: build first (./sluice dist, or mvn package)" >&2; exit 1; }
stage="$out/dist-stage"
rm -rf "$stage" && mkdir -p "$stage/$name/lib"
t0=$SECONDS

# netty's marshalling and protobuf codecs come with netty-codec but are unused; their module descriptors
# require modules that are not on the classpath, which stops jdeps' module analysis.
mapfile -t jars < <(ls "$repo"/target/lib/*.jar | grep -v -e netty-codec-marshalling -e netty-codec-protobuf)
modules=${DIST_MODULES:-$("$jdk/bin/jdeps" -q --ignore-missing-deps --print-module-deps --multi-release 25 \
  --class-path "$repo/target/lib/*" "$jar" "${jars[@]}")}
# jdk.crypto.ec: an empty shell since JDK 22 (EC moved into java.base), kept for libraries that look it up
modules="$modules,jdk.crypto.ec"
echo "dist: modules $modules" >&2
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
  --output "$stage/$name/runtime"
t1=$SECONDS

cp -p "$jar" "$repo"/target/lib/*.jar "$stage/$name/lib/"
cp -p "$here/launch.sh" "$stage/$name/lib/"
[ -f "$here/jvm.options" ] && cp -p "$here/jvm.options" "$stage/$name/lib/"
cp -p "$here/sluice" "$stage/$name/sluice"
cp -p "$here/sluice.service" "$repo/src/main/resources/sluice.yml" "$stage/$name/"
sed "s/VERSION/$version/g" "$here/INSTALL.md" > "$stage/$name/INSTALL.md"
mkdir -p "$stage/$name/aot"
SLUICE_JAVA_OPTS= "$stage/$name/sluice" aot
rm -f "$stage/$name"/aot/*.log "$stage/$name"/aot/.sluice-aot.lock
t2=$SECONDS

tarball="$out/$name-linux-x64.tar.gz"
tar -C "$stage" -czf "$tarball.tmp" "$name" && mv "$tarball.tmp" "$tarball"
rm -rf "$stage"
echo "dist: $tarball ($(du -h "$tarball" | cut -f1); runtime $((t1 - t0)) s, AOT cache $((t2 - t1)) s," \
  "tar $((SECONDS - t2)) s)" >&2
