#!/usr/bin/env bash
# Runs the benchmarks over the real bus (not part of scripts/test.sh) and prints their tables;
# results land in target/bench/. Extra arguments go to Maven, e.g. -Dit.test=LockingBench.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
exec mvn -B verify -Pbench "$@"
