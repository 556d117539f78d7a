#!/bin/bash
# Runs inside the VM (as root, cwd /share): prepares the guest for the real engine and runs the
# in-VM JUnit tests (package org.storage.stratisd.vm, classes *InVm) with JUnit's console
# launcher on the JDK 25 of the share. Writes reports/ and suite.log; exits with the launcher's status.
set -u
cd /share
export JAVA_HOME=/share/jdk PATH=/share/jdk/bin:$PATH
up() { cut -d' ' -f1 /proc/uptime; }
echo "guest-suite: start at $(up)s"
modprobe -a dm-mod dm-thin-pool dm-cache dm-cache-smq dm-crypt loop xfs || { echo "guest-suite: modprobe failed"; exit 3; }
# Scratch disk for the loop devices' backing files (the root is copy-on-write, /tmp is memory).
if [ -b /dev/vdb ]; then
  mkfs.ext4 -q -F -E lazy_itable_init=1,lazy_journal_init=1 /dev/vdb && mkdir -p /scratch && mount /dev/vdb /scratch
else
  mkdir -p /scratch
fi
# /dev/stratis links: our udev rule and helpers, installed where a host install puts them.
if [ -d udev ]; then
  install -m 0644 udev/*.rules /usr/lib/udev/rules.d/
  for h in udev/stratis-*; do install -m 0755 "$h" /usr/lib/udev/; done
  udevadm control --reload
fi
udevadm settle -t 30
# The daemon's D-Bus policy, as a host install has it; the bus rereads its configuration.
if [ -f stratisd.conf ]; then
  install -m 0644 stratisd.conf /usr/share/dbus-1/system.d/stratisd.conf
  dbus-send --system --type=method_call --dest=org.freedesktop.DBus / org.freedesktop.DBus.ReloadConfig
fi
mkdir -p /share/logs
SELECT=(--select-package org.storage.stratisd.vm --include-classname '.*InVm')
if [ -s tests.txt ]; then SELECT=(); for c in $(cat tests.txt); do SELECT+=(--select-class "$c"); done; fi
rm -rf reports; mkdir -p reports
echo "guest-suite: tests start at $(up)s"
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Dstratisd.jar=/share/stratisd-java.jar -Dvm.share=/share \
  -Dvm.scratch=/scratch -Dstratisd.test.call-timeout-seconds=300 \
  "-Dstratisd.test.daemon-jvm-options=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" \
  -cp "/share/junit-platform-console-standalone.jar:$(cat classpath.txt)" \
  org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=tree --disable-ansi-colors \
  "${SELECT[@]}" --fail-if-no-tests --reports-dir /share/reports 2>&1 | tee suite.log
rc=${PIPESTATUS[0]}
echo "guest-suite: tests done at $(up)s, launcher status $rc"
dmesg | grep -iE "device-mapper|thin|xfs|stratis" | tail -50 > dmesg.txt
exit $rc
