#!/usr/bin/env bash
# Refuses a function zip that does not match the Packaging it is about to be deployed with:
# a JVM zip deployed as native (or the reverse) fails every call with Runtime.InvalidEntrypoint.
#   src/deploy/check-zip.sh <jvm|native> [zip, default target/function.zip]
set -euo pipefail

packaging=${1:-}
zip=${2:-target/function.zip}
native_build='./mvnw package -Dnative -Dquarkus.native.container-build=true'
jvm_build='./mvnw package'

case "$packaging" in
  jvm|native) ;;
  *) echo "usage: $0 <jvm|native> [zip]" >&2; exit 2 ;;
esac
if [ ! -f "$zip" ]; then
  [ "$packaging" = native ] && build=$native_build || build=$jvm_build
  echo "$zip does not exist: build it with $build" >&2
  exit 1
fi

entries() {
  if command -v unzip >/dev/null 2>&1; then unzip -Z1 "$zip"; else jar tf "$zip"; fi
}
# A native zip holds the executable as bootstrap at its root; a JVM zip holds the application's
# classes and its jars under lib/.
if ! listing=$(entries 2>/dev/null); then
  echo "$zip is not a readable zip" >&2
  exit 1
fi
if grep -qx 'bootstrap' <<<"$listing"; then built=native; else built=jvm; fi
if [ "$built" = jvm ] && ! grep -q '^lib/.*\.jar$' <<<"$listing"; then
  echo "$zip is neither a native build (no bootstrap at its root) nor a JVM build (no lib/*.jar)" >&2
  exit 1
fi

if [ "$built" != "$packaging" ]; then
  if [ "$packaging" = native ]; then
    echo "$zip is a JVM build (no bootstrap at its root) but Packaging=native:" \
      "build the native zip with $native_build, or deploy with Packaging=jvm" >&2
  else
    echo "$zip is a native build (bootstrap at its root) but Packaging=jvm:" \
      "build the JVM zip with $jvm_build, or deploy with Packaging=native" >&2
  fi
  exit 1
fi
echo "$zip is a $built build: deploy it with Packaging=$packaging"
