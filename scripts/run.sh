#!/usr/bin/env bash
# Runs stratisd-java with the simulator engine. Builds the jar if it is missing or older than the
# sources. Uses the system bus where one answers; otherwise starts a private dbus-daemon for the
# run (installing it with apt where missing) and prints its address. Extra arguments go to the
# daemon (e.g. --log-level debug). Ctrl-C stops the daemon in order (SIGINT), then the private bus.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh

jar=target/stratisd-java.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
    echo "Building $jar ..." >&2
    mvn -q -B -DskipTests package
fi
# Spring Boot's extracted layout and a JDK AOT cache recorded by the first start (see
# systemd/stratisd-java): later starts take about half the time.
extracted=target/extracted
if [ ! -f "$extracted/stratisd-java.jar" ] || [ "$jar" -nt "$extracted/stratisd-java.jar" ]; then
    rm -rf "$extracted"
    "$JAVA_HOME/bin/java" -Djarmode=tools -jar "$jar" extract --destination "$extracted" >/dev/null
fi

system_bus_answers() {
    command -v dbus-send >/dev/null 2>&1 &&
        timeout 2 dbus-send --system --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetId >/dev/null 2>&1
}

private_dir=""
bus_pid=""
cleanup() {
    [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null || true
    [ -n "$private_dir" ] && rm -rf "$private_dir"
}
trap cleanup EXIT

if system_bus_answers; then
    address="${DBUS_SYSTEM_BUS_ADDRESS:-unix:path=/run/dbus/system_bus_socket}"
    echo "Using the system bus ($address)" >&2
else
    if ! command -v dbus-daemon >/dev/null 2>&1; then
        echo "No system bus and no dbus-daemon: installing dbus-daemon with apt ..." >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dbus-daemon dbus-bin >/dev/null
    fi
    private_dir="$(mktemp -d /tmp/stratisd-bus.XXXXXX)"
    sed "s|@SOCKET@|$private_dir/bus.sock|" scripts/private-bus.conf > "$private_dir/bus.conf"
    dbus-daemon --nofork --print-address=3 --config-file="$private_dir/bus.conf" 3>"$private_dir/address" &
    bus_pid=$!
    for _ in $(seq 100); do [ -s "$private_dir/address" ] && break; sleep 0.05; done
    address="$(head -n1 "$private_dir/address")"
    echo "No system bus answered; started a private bus for this run:" >&2
    echo "  DBUS address: $address" >&2
    echo "  try:          busctl --address=$address get-property org.storage.stratis3 /org/storage/stratis3 org.storage.stratis3.Manager.r0 Version" >&2
fi

STRATISD_JAVA="$JAVA_HOME/bin/java" STRATISD_JAR="$extracted/stratisd-java.jar" STRATISD_AOT_CACHE="$extracted/stratisd.aot" \
    systemd/stratisd-java --sim --stratisd.bus-address="$address" "$@" &
daemon_pid=$!
trap 'kill -INT "$daemon_pid" 2>/dev/null || true' INT TERM
status=0
while kill -0 "$daemon_pid" 2>/dev/null; do
    wait "$daemon_pid" || status=$?
done
exit "$status"
