#!/usr/bin/env bash
# Runs every test: unit tests, then the integration tests against the packaged jar on real
# dbus-daemons (and udevd, where one runs). Needs dbus-daemon, busctl and gdbus on the PATH;
# .ci/run installs them on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
exec mvn -B verify "$@"
