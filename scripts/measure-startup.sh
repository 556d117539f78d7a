#!/usr/bin/env bash
# Measures, on a private dbus-daemon, the time from process start to the bus name being owned
# (polling NameHasOwner every 10 ms, so the poller does not compete with the JVM for the two cores)
# and the RSS one second later: for the plain fat jar, and for what the run command and the image
# use (extracted layout + JDK AOT cache, after one recording start). Prints each run and the medians.
# Usage: scripts/measure-startup.sh [runs]; MEASURE_VARIANTS=1 also measures JVM option variants;
# MEASURE_OPTS="<jvm options>" measures one more variant with those options.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
runs="${1:-5}"
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
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# measure LABEL COMMAND...: start the daemon with COMMAND, wait for the name, record, stop with SIGINT.
measure() {
    local label=$1; shift
    local times=() rss=()
    for i in $(seq "$runs"); do
        local start end r pid
        start=$(date +%s%N)
        "$@" --sim --stratisd.bus-address="$address" --server.port=0 >"$dir/log" 2>&1 &
        pid=$!
        until owned; do kill -0 "$pid" || { cat "$dir/log"; exit 1; }; sleep 0.01; done
        end=$(date +%s%N)
        sleep 1
        r=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
        kill -INT "$pid"; wait "$pid" || true
        times+=("$(( (end - start) / 1000000 ))"); rss+=("$((r / 1024))")
        echo "$label run $i: name owned after ${times[-1]} ms, RSS ${rss[-1]} MiB"
    done
    echo "$label median: name owned after $(median "${times[@]}") ms, RSS $(median "${rss[@]}") MiB"
}

[ -n "${MEASURE_SKIP_JAR:-}" ] || measure "fat jar" "$JAVA_HOME/bin/java" -Xmx256m -jar "$jar"

extracted="$dir/extracted"
"$JAVA_HOME/bin/java" -Djarmode=tools -jar "$jar" extract --destination "$extracted" >/dev/null
# Each variant records its own cache (a cache is only used with the options it was recorded with).
# STRATISD_JAVA_OPTS unset is the launcher's default.
variant() {
    local label=$1; shift
    rm -f "$extracted/stratisd.aot"
    launch=(env STRATISD_JAVA="$JAVA_HOME/bin/java" STRATISD_JAR="$extracted/stratisd-java.jar" STRATISD_AOT_CACHE="$extracted/stratisd.aot" "$@" systemd/stratisd-java)
    runs_saved=$runs; runs=1
    measure "$label, recording start (writes the AOT cache)" "${launch[@]}"
    runs=$runs_saved
    measure "$label, extracted + AOT cache" "${launch[@]}"
}
[ -n "${MEASURE_SKIP_DEFAULT:-}" ] || variant "launcher default"
if [ -n "${MEASURE_VARIANTS:-}" ]; then
    variant "G1, 256 MiB" STRATISD_JAVA_OPTS="-Xmx256m"
    variant "SerialGC" STRATISD_JAVA_OPTS="-Xmx256m -XX:+UseSerialGC"
    variant "SerialGC, C1 only" STRATISD_JAVA_OPTS="-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
fi
if [ -n "${MEASURE_OPTS:-}" ]; then
    variant "$MEASURE_OPTS" STRATISD_JAVA_OPTS="$MEASURE_OPTS"
fi
echo "($(nproc) cores, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1))"
