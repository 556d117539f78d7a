#!/usr/bin/env bash
# Runs the real-kernel suite: boots the VM of src/test/vm once and runs the in-VM tests (package
# org.storage.stratisd.vm, classes *InVm) inside it, on loop devices, with the packaged daemon.
# Needs: the VM built (src/test/vm/setup.sh, which .ci/run calls) and the build's packages
# (mvn verify runs this through RealKernelIT; alone: mvn -DskipTests verify, then this script).
# Usage: scripts/vm-test.sh [TestClass ...]   (fully qualified, default: all *InVm classes)
# Env: STRATISD_VM_DIR (the VM, default /var/tmp/stratisd-java-vm), VM_ACCEL (kvm or tcg; by default
#      kvm where /dev/kvm is usable and the CPU has VT-x/AMD-V, else tcg), VM_TIMEOUT (seconds,
#      default 2100).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
VM=${STRATISD_VM_DIR:-/var/tmp/stratisd-java-vm}
[ -x "$VM/run-in-vm.sh" ] && [ -f "$VM/rootfs.img" ] || { echo "error: no VM in $VM; run src/test/vm/setup.sh first" >&2; exit 2; }
for f in target/stratisd-java.jar target/vm-classpath.txt target/vm-tools/junit-platform-console-standalone.jar; do
  [ -f "$f" ] || { echo "error: $f is missing; build first (mvn -DskipTests verify)" >&2; exit 2; }
done
SHARE=$PWD/target/vm-share
rm -rf "$SHARE"; mkdir -p "$SHARE/cp"
cp -a "$JAVA_HOME" "$SHARE/jdk"
entries=(); i=0
for e in "$PWD/target/test-classes" "$PWD/target/classes" $(tr ':' ' ' < target/vm-classpath.txt); do
  [ -e "$e" ] || continue
  case $(basename "$e") in junit-platform-console-standalone*) continue;; esac
  dst="$SHARE/cp/$i-$(basename "$e")"; cp -a "$e" "$dst"; entries+=("/share/cp/$i-$(basename "$e")"); i=$((i+1))
done
(IFS=:; echo "${entries[*]}") > "$SHARE/classpath.txt"
cp target/stratisd-java.jar target/vm-tools/junit-platform-console-standalone.jar src/test/vm/guest-suite.sh \
   systemd/stratisd.conf "$SHARE/"
[ -d systemd/udev ] && cp -r systemd/udev "$SHARE/udev"
# The classes asked for, one per line; none: every *InVm class.
: > "$SHARE/tests.txt"
[ $# -eq 0 ] || printf '%s\n' "$@" > "$SHARE/tests.txt"
rm -f target/vm-scratch.img; truncate -s 64G target/vm-scratch.img
if [ -z "${VM_ACCEL:-}" ]; then
  # A /dev/kvm without vmx/svm (a paravirtualised KVM, as on the 2-core build machines) cannot boot a stock kernel.
  if [ -w /dev/kvm ] && grep -qE 'vmx|svm' /proc/cpuinfo; then VM_ACCEL=kvm; else VM_ACCEL=tcg; fi
fi
echo "vm-test: accelerator $VM_ACCEL"
export VM_ACCEL
start=$(date +%s)
rc=0
VM_SHARE="$SHARE" VM_MEM=${VM_MEM:-6144} VM_TIMEOUT=${VM_TIMEOUT:-2100} "$VM/run-in-vm.sh" "$SHARE/guest-suite.sh" \
  -drive file="$PWD/target/vm-scratch.img",format=raw,if=virtio,cache=unsafe || rc=$?
rm -f target/vm-scratch.img
echo "vm-test: VM suite finished with status $rc after $(( $(date +%s) - start )) s; reports in $SHARE/reports"
exit $rc
