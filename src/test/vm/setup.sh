#!/bin/bash
# Builds the VM (a Debian 12 kernel with device-mapper, a root image, an initramfs) into a build
# directory outside the checkout, once: host packages -> Debian kernel -> vmlinux -> rootfs.img ->
# initramfs.cpio.gz. Idempotent: a stamp of this kit's files skips a build that is up to date.
# Usage: setup.sh [BUILD_DIR]   (default $STRATISD_VM_DIR, else /var/tmp/stratisd-java-vm)
set -euo pipefail
KIT=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-${STRATISD_VM_DIR:-/var/tmp/stratisd-java-vm}}
STAMP=$(cat "$KIT"/setup.sh "$KIT"/build-rootfs.sh "$KIT"/build-initramfs.sh "$KIT"/run-in-vm.sh "$KIT"/guest/* | sha256sum | cut -c1-16)
if [ -f "$OUT/.built-$STAMP" ] && [ -f "$OUT/rootfs.img" ] && [ -f "$OUT/vmlinux" ] && [ -f "$OUT/initramfs.cpio.gz" ]; then
  echo "VM up to date in $OUT"; exit 0
fi
mkdir -p "$OUT"
cp "$KIT"/build-rootfs.sh "$KIT"/build-initramfs.sh "$KIT"/run-in-vm.sh "$OUT"/
mkdir -p "$OUT/guest" && cp "$KIT"/guest/* "$OUT/guest/"
cd "$OUT"
export DEBIAN_FRONTEND=noninteractive
need=(); for b in qemu-system-x86_64:qemu-system-x86 qemu-img:qemu-utils debootstrap:debootstrap cpio:cpio; do
  command -v ${b%%:*} >/dev/null || need+=(${b#*:}); done
[ -x /bin/busybox ] && file -L /bin/busybox | grep -q static || need+=(busybox-static)
command -v file >/dev/null || need+=(file)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq; apt-get install -y -qq --no-install-recommends "${need[@]}"; fi
# 1. kernel: the package linux-image-amd64 currently depends on (bookworm: 6.1.0-*-amd64)
KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
export KV=${KPKG#linux-image-}
if [ ! -f kernel/boot/vmlinuz-$KV ]; then
  rm -rf debs kernel; mkdir -p debs kernel; (cd debs && apt-get download "$KPKG")
  dpkg-deb -x debs/${KPKG}_*_amd64.deb kernel
fi
# 2. uncompressed vmlinux (PVH-bootable ELF) from the xz-compressed bzImage
if [ ! -f vmlinux ] || [ kernel/boot/vmlinuz-$KV -nt vmlinux ]; then python3 - "kernel/boot/vmlinuz-$KV" <<'PY'
import lzma, sys
d = open(sys.argv[1], 'rb').read(); off = d.find(b'\xfd7zXZ\x00')
open('vmlinux', 'wb').write(lzma.LZMADecompressor().decompress(d[off:]))
PY
fi
# 3. rootfs (debootstrap + modules + /sbin/vm-init) -> rootfs.img ; 4. initramfs
rm -rf rootfs
./build-rootfs.sh
./build-initramfs.sh
mkdir -p share
rm -f .built-*; touch ".built-$STAMP"
echo "setup done in $OUT: KV=$KV"
