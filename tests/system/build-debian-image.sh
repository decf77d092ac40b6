#!/usr/bin/env bash
# Builds (once, cached) a multi-layer Debian image made of real Debian packages, and its expected inventories.
#
#   layer 0: `debootstrap --variant=minbase bookworm` rootfs, `docker import`ed as vigil-test/debian-base
#   layer 1: COPY of a few real .deb files (no package database change)
#   layer 2: RUN dpkg -i of those debs, rm of the debs (whiteouts), dpkg --purge of a base package
#            (e2fsprogs), rm of a base file (a whiteout)
#   tagged vigil-test/debian-multi
#
# Outputs in $CACHE = ${VIGIL_CACHE:-$HOME/.cache/vigil-test}/debian-multi-$IMAGE_VERSION:
#   debian-multi.tar        `docker save` archive
#   debian-multi-oci/       OCI layout (gzip layers), tag "latest" (skopeo copy)
#   rootfs/                 the final image's filesystem (docker export; /dev left empty)
#   expected-final.txt      `Package Version Architecture` of the final image (dpkg-query --admindir)
#   expected-base.txt       same for the base layer
#   expected-added.txt      in final, not in base (installed by layer 2)
#   expected-removed.txt    in base, not in final (purged by layer 2)
#   layer-of-added.txt      index in DiffIDs of the layer that installed the added packages
# Prints $CACHE on stdout (last line). Ensures vigil-test/debian-multi is in the daemon at $DOCKER_HOST
# (docker load from the cache when it was built earlier); starts its own daemon if DOCKER_HOST is unset.
# Bump IMAGE_VERSION when the recipe changes.
set -euo pipefail

IMAGE_VERSION=1
SUITE=bookworm
MIRROR=${VIGIL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Small real packages whose dependencies minbase already satisfies (file has an epoch: 1:5.44-3).
EXTRA_DEBS=(less file libmagic1 libmagic-mgc netbase)
PURGED=e2fsprogs
DELETED_FILE=/usr/share/doc/hostname/copyright

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
require_cmd debootstrap dpkg-query skopeo flock apt-get tar "$DOCKER_CLI"

own_daemon=0
if [[ -z ${DOCKER_HOST:-} ]]; then
  start_dockerd
  own_daemon=1
fi

mkdir -p "$VIGIL_CACHE"
CACHE=$VIGIL_CACHE/debian-multi-$IMAGE_VERSION

build() {
  local t0=$SECONDS work
  rm -rf --one-file-system "$VIGIL_CACHE"/.debian-multi-*.tmp.* # left by an interrupted build
  work=$(mktemp -d "$VIGIL_CACHE/.debian-multi-$IMAGE_VERSION.tmp.XXXXXX")
  local rootfs=$work/debootstrap ctx=$work/ctx out=$work/out
  mkdir -p "$ctx/debs" "$out"

  log "debootstrap --variant=minbase $SUITE ($MIRROR)"
  if ! debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1; then
    tail -n 30 "$work/debootstrap.log" >&2
    fail "debootstrap failed (log above)"
  fi
  # debootstrap unmounts what it mounted; make sure nothing is left before tarring / removing.
  if awk -v d="$rootfs/" 'index($2, d) == 1' /proc/self/mounts | grep -q .; then
    fail "mounts left below $rootfs after debootstrap"
  fi
  dpkg-query --admindir="$rootfs/var/lib/dpkg" -W -f '${Package} ${Version} ${Architecture}\n' |
    LC_ALL=C sort >"$out/expected-base.txt"

  log "docker import -> vigil-test/debian-base"
  tar --numeric-owner -C "$rootfs" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . |
    docker_cli import --change 'CMD ["bash"]' - vigil-test/debian-base >/dev/null

  log "apt-get download ${EXTRA_DEBS[*]} (release $SUITE)"
  local pkgs=() p
  for p in "${EXTRA_DEBS[@]}"; do pkgs+=("$p/$SUITE"); done
  if ! (cd "$ctx/debs" && apt-get download -q -o APT::Sandbox::User=root "${pkgs[@]}") >"$work/download.log" 2>&1; then
    log "apt-get download failed; apt-get update and retry"
    apt-get update -qq
    (cd "$ctx/debs" && apt-get download -q -o APT::Sandbox::User=root "${pkgs[@]}") >"$work/download.log" 2>&1 ||
      { cat "$work/download.log" >&2; fail "apt-get download failed"; }
  fi

  cat >"$ctx/Dockerfile" <<EOF
FROM vigil-test/debian-base
COPY debs/ /tmp/debs/
RUN dpkg -i /tmp/debs/*.deb && rm -rf /tmp/debs && dpkg --purge $PURGED && rm $DELETED_FILE
EOF
  log "docker build --network none -> vigil-test/debian-multi"
  docker_cli build --network none -t vigil-test/debian-multi "$ctx" >"$work/build.log" 2>&1 ||
    { tail -n 40 "$work/build.log" >&2; fail "docker build failed (log above)"; }

  log "docker save / skopeo copy (oci, gzip) / docker export"
  docker_cli save -o "$out/debian-multi.tar" vigil-test/debian-multi
  skopeo copy -q --dest-compress --dest-compress-format gzip \
    "docker-archive:$out/debian-multi.tar" "oci:$out/debian-multi-oci:latest"
  local cid
  cid=$(docker_cli create vigil-test/debian-multi /bin/true)
  mkdir "$out/rootfs"
  docker_cli export "$cid" | tar --numeric-owner -C "$out/rootfs" --exclude='dev/*' -x
  docker_cli rm "$cid" >/dev/null

  dpkg-query --admindir="$out/rootfs/var/lib/dpkg" -W -f '${Package} ${Version} ${Architecture}\n' |
    LC_ALL=C sort >"$out/expected-final.txt"
  LC_ALL=C comm -13 "$out/expected-base.txt" "$out/expected-final.txt" >"$out/expected-added.txt"
  LC_ALL=C comm -23 "$out/expected-base.txt" "$out/expected-final.txt" >"$out/expected-removed.txt"
  local nlayers
  nlayers=$(docker_cli image inspect -f '{{len .RootFS.Layers}}' vigil-test/debian-multi)
  [[ $nlayers == 3 ]] || fail "expected 3 layers in vigil-test/debian-multi, got $nlayers"
  echo 2 >"$out/layer-of-added.txt"
  [[ $(wc -l <"$out/expected-added.txt") -eq ${#EXTRA_DEBS[@]} ]] ||
    fail "expected ${#EXTRA_DEBS[@]} added packages, got: $(cat "$out/expected-added.txt")"
  grep -q "^$PURGED " "$out/expected-removed.txt" || fail "$PURGED was not removed"

  echo "$IMAGE_VERSION built $(date -u +%FT%TZ) in $((SECONDS - t0)) s" >"$out/VERSION"
  rm -rf "$CACHE"
  mv "$out" "$CACHE"
  rm -rf --one-file-system "$work"
  log "built $CACHE in $((SECONDS - t0)) s"
}

# One builder at a time (other engineers' test runs share the cache).
exec 9>"$VIGIL_CACHE/debian-multi.lock"
flock -w 1800 9 || fail "timed out waiting for $VIGIL_CACHE/debian-multi.lock"
if [[ -f $CACHE/VERSION ]]; then
  if ! docker_cli image inspect vigil-test/debian-multi >/dev/null 2>&1; then
    log "docker load -i $CACHE/debian-multi.tar"
    docker_cli load -q -i "$CACHE/debian-multi.tar" >/dev/null
  fi
else
  build
fi
exec 9>&-

if ((own_daemon)); then stop_dockerd; fi
echo "$CACHE"
