/*
 * The event-path benchmark's subscriber, written against libdbus so that the client's cost is
 * small and the same whatever is measured: it subscribes to org.freedesktop.DBus.ObjectManager
 * InterfacesAdded from SENDER and prints, for every signal that adds an object with interface
 * IFACE carrying a string property Name, one line "NAME MONOTONIC_NANOSECONDS" as it arrives,
 * until COUNT such signals were seen or SECONDS passed. Prints "ready" once subscribed.
 *
 *   sigwatch ADDRESS SENDER IFACE COUNT SECONDS
 */
#include <dbus/dbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Finds the string property Name of interface iface in an a{sa{sv}} iterator. */
static const char *name_of(DBusMessageIter *interfaces, const char *iface) {
    DBusMessageIter entry;
    dbus_message_iter_recurse(interfaces, &entry);
    while (dbus_message_iter_get_arg_type(&entry) == DBUS_TYPE_DICT_ENTRY) {
        DBusMessageIter kv, props;
        const char *name;
        dbus_message_iter_recurse(&entry, &kv);
        dbus_message_iter_get_basic(&kv, &name);
        dbus_message_iter_next(&kv);
        if (strcmp(name, iface) == 0) {
            dbus_message_iter_recurse(&kv, &props);
            while (dbus_message_iter_get_arg_type(&props) == DBUS_TYPE_DICT_ENTRY) {
                DBusMessageIter pkv, variant;
                const char *key;
                dbus_message_iter_recurse(&props, &pkv);
                dbus_message_iter_get_basic(&pkv, &key);
                dbus_message_iter_next(&pkv);
                dbus_message_iter_recurse(&pkv, &variant);
                if (strcmp(key, "Name") == 0 && dbus_message_iter_get_arg_type(&variant) == DBUS_TYPE_STRING) {
                    const char *value;
                    dbus_message_iter_get_basic(&variant, &value);
                    return value;
                }
                dbus_message_iter_next(&props);
            }
        }
        dbus_message_iter_next(&entry);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s ADDRESS SENDER IFACE COUNT SECONDS\n", argv[0]);
        return 2;
    }
    DBusError err;
    dbus_error_init(&err);
    DBusConnection *conn = dbus_connection_open_private(argv[1], &err);
    if (!conn || !dbus_bus_register(conn, &err)) {
        fprintf(stderr, "sigwatch: cannot connect: %s\n", err.message);
        return 1;
    }
    char rule[512];
    snprintf(rule, sizeof rule, "type='signal',sender='%s',interface='org.freedesktop.DBus.ObjectManager',member='InterfacesAdded'",
             argv[2]);
    dbus_bus_add_match(conn, rule, &err);
    if (dbus_error_is_set(&err)) {
        fprintf(stderr, "sigwatch: cannot subscribe: %s\n", err.message);
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    long count = atol(argv[4]);
    long long end = now_ns() + (long long) (atof(argv[5]) * 1e9);
    long seen = 0;
    while (seen < count && now_ns() < end) {
        dbus_connection_read_write(conn, 100);
        DBusMessage *msg;
        while ((msg = dbus_connection_pop_message(conn)) != NULL) {
            if (dbus_message_is_signal(msg, "org.freedesktop.DBus.ObjectManager", "InterfacesAdded")) {
                long long t = now_ns();
                DBusMessageIter args;
                if (dbus_message_iter_init(msg, &args) && dbus_message_iter_next(&args)) {
                    const char *name = name_of(&args, argv[3]);
                    if (name) {
                        printf("%s %lld\n", name, t);
                        seen++;
                    }
                }
            }
            dbus_message_unref(msg);
        }
    }
    fflush(stdout);
    return seen == count ? 0 : 3;
}
