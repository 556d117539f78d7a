#!/usr/bin/env bash
# Measures, for the packaged jar on a private dbus-daemon: the time from process start to the bus
# name being owned (polling NameHasOwner with dbus-send every 10 ms, so the poller does not compete with the JVM for the two cores), and the RSS one second
# later. Prints each run and the medians. Usage: scripts/measure-startup.sh [runs] [extra java options]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
runs="${1:-5}"; shift || true
jar=target/stratisd-java.jar
[ -f "$jar" ] || mvn -q -B -DskipTests package
dir="$(mktemp -d)"
trap 'kill $bus_pid 2>/dev/null; rm -rf "$dir"' EXIT
sed "s|@SOCKET@|$dir/bus.sock|" scripts/private-bus.conf > "$dir/bus.conf"
dbus-daemon --nofork --print-address=3 --config-file="$dir/bus.conf" 3>"$dir/address" 2>/dev/null &
bus_pid=$!
for _ in $(seq 100); do [ -s "$dir/address" ] && break; sleep 0.05; done
address="$(head -n1 "$dir/address")"
owned() {
    dbus-send --bus="$address" --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner \
        string:org.storage.stratis3 2>/dev/null | grep -q 'boolean true'
}
times=(); rss=()
for i in $(seq "$runs"); do
    start=$(date +%s%N)
    "$JAVA_HOME/bin/java" -Xmx256m "$@" -jar "$jar" --sim --stratisd.bus-address="$address" >"$dir/log.$i" 2>&1 &
    pid=$!
    until owned; do kill -0 "$pid" || { cat "$dir/log.$i"; exit 1; }; sleep 0.01; done
    end=$(date +%s%N)
    sleep 1
    r=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    kill -INT "$pid"; wait "$pid" || true
    ms=$(( (end - start) / 1000000 ))
    echo "run $i: name owned after ${ms} ms, RSS $((r / 1024)) MiB"
    times+=("$ms"); rss+=("$((r / 1024))")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median: name owned after $(median "${times[@]}") ms, RSS $(median "${rss[@]}") MiB ($(nproc) cores, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1))"
