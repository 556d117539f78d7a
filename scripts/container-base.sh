#!/usr/bin/env bash
# Builds the base image the Dockerfile builds on (default tag stratisd-base:bookworm), without any
# registry: a Debian 12 minbase root made with debootstrap (with thin-provisioning-tools, xfsprogs
# and util-linux, which the real engine runs), plus this machine's JDK 25, imported into the local
# Docker engine. The root is cached in /var/cache/stratisd-base between runs; a cached root or image
# without mkfs.xfs (made before the real engine needed it) is made again.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
tag="${1:-stratisd-base:bookworm}"
cache=/var/cache/stratisd-base
if docker image inspect "$tag" >/dev/null 2>&1 \
        && docker run --rm --entrypoint /bin/sh "$tag" -c 'test -x /usr/sbin/thin_metadata_size && test -x /usr/sbin/mkfs.xfs' \
            >/dev/null 2>&1; then
    echo "Base image $tag already present"
    exit 0
fi
if [ ! -x "$cache/rootfs/bin/sh" ] || [ ! -x "$cache/rootfs/usr/sbin/thin_metadata_size" ] || [ ! -x "$cache/rootfs/usr/sbin/mkfs.xfs" ]; then
    rm -rf "$cache/rootfs"
    mkdir -p "$cache"
    debootstrap --variant=minbase --include=libudev1,ca-certificates,thin-provisioning-tools,xfsprogs,util-linux bookworm "$cache/rootfs" http://deb.debian.org/debian
    rm -rf "$cache/rootfs/var/cache/apt/archives/"*.deb
fi
jdk_target="$cache/rootfs/usr/lib/jvm/$(basename "$JAVA_HOME")"
if [ ! -x "$jdk_target/bin/java" ]; then
    mkdir -p "$(dirname "$jdk_target")"
    cp -a "$JAVA_HOME" "$jdk_target"
fi
tar -C "$cache/rootfs" -c . | docker import \
    --change "ENV JAVA_HOME=/usr/lib/jvm/$(basename "$JAVA_HOME")" \
    --change "ENV PATH=/usr/lib/jvm/$(basename "$JAVA_HOME")/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    - "$tag"
echo "Built base image $tag"
