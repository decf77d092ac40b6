#!/usr/bin/env bash
# Builds (once, cached) a big multi-layer image from real Debian packages for bench/run.sh:
#   layer 0  debootstrap --variant=minbase bookworm                        (~200 MB)
#   layer 1  dpkg -i golang-1.19-src golang-1.19-go      (many small files, ~440 MB)
#   layer 2  dpkg -i fonts-noto-core fonts-noto-extra                     (~370 MB)
#   layer 3  dpkg -i fonts-noto-cjk fonts-noto-cjk-extra                  (~300 MB)
#   layer 4  dpkg -i libjs-jquery libjs-underscore python3.11-doc          (~70 MB)
#   layer 5  dpkg --purge fonts-noto-core, rm -rf golang test data (whiteouts)
# Each package layer is `docker run --network none -v debs:/debs:ro` + `docker commit` (one layer per step,
# no COPY layers holding the .debs).
# Outputs in $BENCH_CACHE = ${VIGIL_CACHE:-$HOME/.cache/vigil-test}/bench-big-$IMAGE_VERSION:
#   big.tar       `docker save` archive (uncompressed layers)
#   big-oci/      OCI layout, gzip layers, tag latest (skopeo copy)
#   expected.txt  dpkg-query of the final image;  INFO  sizes, layer count, build time
# Prints $BENCH_CACHE on stdout. Bump IMAGE_VERSION when the recipe changes.
set -euo pipefail

IMAGE_VERSION=1
SUITE=bookworm
MIRROR=${VIGIL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
STEPS=(
  "golang-1.19-src golang-1.19-go"
  "fonts-noto-core fonts-noto-extra"
  "fonts-noto-cjk fonts-noto-cjk-extra"
  "libjs-jquery libjs-underscore python3.11-doc"
)
FINAL_STEP='dpkg --purge fonts-noto-core && rm -rf /usr/lib/go-1.19/test /usr/share/go-1.19/test /usr/share/doc/python3.11/html/_sources'

# shellcheck source=../tests/system/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/system/lib.sh"
require_root
require_cmd debootstrap skopeo flock dpkg-query apt-get "$DOCKER_CLI"

mkdir -p "$VIGIL_CACHE"
BENCH_CACHE=$VIGIL_CACHE/bench-big-$IMAGE_VERSION

build() {
  local t0=$SECONDS work
  rm -rf --one-file-system "$VIGIL_CACHE"/.bench-big-*.tmp.*
  work=$(mktemp -d "$VIGIL_CACHE/.bench-big-$IMAGE_VERSION.tmp.XXXXXX")
  local rootfs=$work/debootstrap out=$work/out
  mkdir -p "$out"
  start_dockerd

  log "debootstrap --variant=minbase $SUITE"
  debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 30 "$work/debootstrap.log" >&2; fail "debootstrap failed"; }
  tar --numeric-owner -C "$rootfs" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . |
    docker_cli import --change 'CMD ["bash"]' - vigil-bench/big:step0 >/dev/null
  rm -rf --one-file-system "$rootfs"

  local i=0 step p pkgs debs cid
  for step in "${STEPS[@]}"; do
    i=$((i + 1))
    debs=$work/debs$i
    mkdir -p "$debs"
    pkgs=()
    for p in $step; do pkgs+=("$p/$SUITE"); done
    log "layer $i: apt-get download $step"
    (cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${pkgs[@]}") >"$work/dl$i.log" 2>&1 || {
      apt-get update -qq
      (cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${pkgs[@]}") >"$work/dl$i.log" 2>&1 ||
        { cat "$work/dl$i.log" >&2; fail "apt-get download $step failed"; }
    }
    log "layer $i: dpkg -i ($(du -sh "$debs" | cut -f1) of .debs)"
    cid=$(docker_cli create --network none -v "$debs:/debs:ro" "vigil-bench/big:step$((i - 1))" \
      sh -c 'dpkg -i /debs/*.deb')
    docker_cli start -a "$cid" >"$work/step$i.log" 2>&1 || { tail -n 30 "$work/step$i.log" >&2; fail "dpkg -i $step failed"; }
    docker_cli commit -c 'CMD ["bash"]' "$cid" "vigil-bench/big:step$i" >/dev/null
    docker_cli rm "$cid" >/dev/null
    rm -rf "$debs"
  done
  i=$((i + 1))
  log "layer $i: $FINAL_STEP"
  cid=$(docker_cli create --network none "vigil-bench/big:step$((i - 1))" sh -c "$FINAL_STEP")
  docker_cli start -a "$cid" >"$work/step$i.log" 2>&1 || { tail -n 30 "$work/step$i.log" >&2; fail "final step failed"; }
  docker_cli commit -c 'CMD ["bash"]' "$cid" vigil-bench/big:latest >/dev/null
  docker_cli rm "$cid" >/dev/null

  local nlayers
  nlayers=$(docker_cli image inspect -f '{{len .RootFS.Layers}}' vigil-bench/big:latest)
  ((nlayers >= 5)) || fail "only $nlayers layers"

  log "docker save / skopeo copy (oci, gzip)"
  docker_cli save -o "$out/big.tar" vigil-bench/big:latest
  skopeo copy -q --dest-compress --dest-compress-format gzip "docker-archive:$out/big.tar" "oci:$out/big-oci:latest"
  cid=$(docker_cli create vigil-bench/big:latest /bin/true)
  docker_cli export "$cid" | tar -xO --wildcards 'var/lib/dpkg/status' >"$work/status"
  docker_cli rm "$cid" >/dev/null
  mkdir -p "$work/admin/info" && cp "$work/status" "$work/admin/status"
  dpkg-query --admindir="$work/admin" -W -f '${Package} ${Version} ${Architecture}\n' | LC_ALL=C sort >"$out/expected.txt"
  stop_dockerd

  local layer_bytes
  layer_bytes=$(tar -tvf "$out/big.tar" | awk '$NF ~ /layer.tar$/ {s += $3} END {print s}')
  {
    echo "version $IMAGE_VERSION, built $(date -u +%FT%TZ) in $((SECONDS - t0)) s"
    echo "layers $nlayers"
    echo "uncompressed_layer_bytes $layer_bytes"
    echo "archive_bytes $(stat -c %s "$out/big.tar")"
    echo "oci_bytes $(du -sb "$out/big-oci" | cut -f1)"
    echo "packages $(wc -l <"$out/expected.txt")"
  } >"$out/INFO"
  ((layer_bytes >= 1000000000)) || fail "image too small: $layer_bytes bytes of layers"
  rm -rf "$BENCH_CACHE"
  mv "$out" "$BENCH_CACHE"
  rm -rf --one-file-system "$work"
  log "built $BENCH_CACHE in $((SECONDS - t0)) s"
}

exec 9>"$VIGIL_CACHE/bench-big.lock"
flock -w 3600 9 || fail "timed out waiting for the bench image lock"
if [[ -f $BENCH_CACHE/INFO ]]; then
  log "cached: $BENCH_CACHE"
else
  build
fi
exec 9>&-
sed 's/^/  /' "$BENCH_CACHE/INFO" >&2
echo "$BENCH_CACHE"
