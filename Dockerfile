# stratisd-java container image. No registry is assumed: the base image is built locally by
# scripts/container-base.sh (Debian 12 minbase with a JDK 25) and named with BASE_IMAGE.
#
#   mvn -B -DskipTests package            # or let the build stage run Maven (needs it in the base)
#   docker build --build-arg BASE_IMAGE=stratisd-base:bookworm -t stratisd-java .
#   docker run -d --name stratisd --privileged \
#       -v /dev:/dev -v /run/udev:/run/udev -v /run/dbus:/run/dbus \
#       -v /etc/machine-id:/etc/machine-id:ro stratisd-java
ARG BASE_IMAGE=stratisd-base:bookworm

FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY . .
RUN if [ -f target/stratisd-java.jar ]; then \
        echo "Using target/stratisd-java.jar built before"; \
    elif command -v mvn >/dev/null 2>&1; then \
        mvn -B -q -DskipTests package; \
    else \
        echo "No target/stratisd-java.jar and no Maven in the base image: run 'mvn -DskipTests package' first" >&2; exit 1; \
    fi

RUN java -Djarmode=tools -jar target/stratisd-java.jar extract --destination /opt/stratisd-java

FROM ${BASE_IMAGE}
# The extracted layout; the launcher records a JDK AOT cache at the first clean stop and uses it after.
COPY --from=build /opt/stratisd-java /usr/share/stratisd-java
COPY --from=build /src/systemd/stratisd-java /usr/libexec/stratisd-java
# The /dev/stratis links come from the udev rule and its helpers; udevd runs on the host, so these
# copies are for installing there (see the README), where the rule finds the helpers by name.
COPY --from=build /src/systemd/udev/61-stratisd.rules /usr/lib/udev/rules.d/61-stratisd.rules
COPY --from=build /src/systemd/udev/stratis-base32-decode /src/systemd/udev/stratis-str-cmp /usr/lib/udev/
EXPOSE 9184
# The launcher execs the JVM: the daemon is PID 1 and receives SIGTERM from docker stop directly.
ENTRYPOINT ["/usr/libexec/stratisd-java"]
CMD ["--sim", "--server.address=0.0.0.0"]
