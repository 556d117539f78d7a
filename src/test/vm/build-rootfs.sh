#!/bin/bash
# Builds ./rootfs.img (ext4, raw, sparse): Debian bookworm minbase + dm/xfs/thin tools + busctl + dbus-python + kernel modules
# (the JDK 25 the tests run on comes through the share).
# Needs: debootstrap, the extracted kernel in ./kernel (setup.sh extracts it), busybox-static on the host.
set -euo pipefail
cd "$(dirname "$0")"
KV=${KV:-$(ls kernel/lib/modules | head -1)}
PKGS=dmsetup,thin-provisioning-tools,xfsprogs,cryptsetup-bin,udev,dbus,kmod,util-linux,procps,e2fsprogs,systemd,coreutils,python3-dbus
# dbus-python: the one client in the guest that passes a descriptor nested in a struct (Manager.r9 StartPool's (bh)).
if [ ! -x rootfs/usr/bin/busctl ] || [ ! -f rootfs/usr/lib/python3/dist-packages/dbus/__init__.py ]; then
  rm -rf rootfs
  MIRROR=${DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null)}
  [ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  debootstrap --variant=minbase --include=$PKGS bookworm rootfs "$MIRROR"
fi
rm -f rootfs/var/cache/apt/archives/*.deb
# kernel modules (subset: block, md/dm, virtio, fs, crypto, lib, 9p)
S=kernel/lib/modules/$KV; D=rootfs/lib/modules/$KV
rm -rf $D; mkdir -p $D/kernel/drivers/char $D/kernel/net
cp $S/modules.builtin $S/modules.builtin.modinfo $S/modules.order $D/
for d in arch block crypto lib mm fs; do cp -a $S/kernel/$d $D/kernel/; done
for d in md block virtio nvdimm; do cp -a $S/kernel/drivers/$d $D/kernel/drivers/; done
cp -a $S/kernel/drivers/char/hw_random $D/kernel/drivers/char/
cp -a $S/kernel/net/9p $D/kernel/net/
chroot rootfs depmod $KV
install -m755 /bin/busybox rootfs/bin/busybox
install -m755 guest/vm-init rootfs/sbin/vm-init
echo vm > rootfs/etc/hostname
mkdir -p rootfs/share
chroot rootfs dbus-uuidgen --ensure=/etc/machine-id 2>/dev/null || true
rm -f rootfs.img
mke2fs -q -t ext4 -L vmroot -d rootfs rootfs.img ${ROOTFS_SIZE:-3G}
ls -las rootfs.img
