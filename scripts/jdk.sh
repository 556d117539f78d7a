#!/usr/bin/env bash
# Sourced by the other scripts: points JAVA_HOME at a JDK 25 or stops with a clear message.
# The build machines carry Temurin 25 beside the default OpenJDK 17.
stratisd_find_jdk25() {
    local candidate
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk* \
                     /usr/lib/jvm/java-25-openjdk* /usr/lib/jvm/jdk-25*; do
        if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] \
           && "$candidate/bin/java" -version 2>&1 | grep -q 'version "25'; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if ! JAVA_HOME="$(stratisd_find_jdk25)"; then
    echo "error: stratisd-java needs JDK 25; none found in JAVA_HOME or /usr/lib/jvm (temurin-25-jdk-*, java-25-openjdk-*)." >&2
    echo "       Install a JDK 25 or set JAVA_HOME to one." >&2
    exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
