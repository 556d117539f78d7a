#!/usr/bin/env bash
# Runs the benchmarks over the real bus (not part of scripts/test.sh) and prints their tables;
# results land in target/bench/. Extra arguments go to Maven, e.g. -Dit.test=LockingBench.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
# The suite builds its C floor service and load driver against libdbus.
if ! pkg-config --exists dbus-1 2>/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libdbus-1-dev pkg-config gcc
fi
# clean: the JMH annotation processor only runs when the test classes are compiled afresh.
exec mvn -B clean verify -Pbench "$@"
