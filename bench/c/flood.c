/*
 * The fairness scenario's flooding client, against libdbus: CONNECTIONS threads, each with its own
 * connection (its own sender), keep WINDOW calls of one method outstanding for SECONDS, sending a
 * new call as each reply arrives. dbus-daemon's stock limit is 128 pending replies per connection,
 * so a client that wants more in flight opens more connections. A call unanswered after 60 s
 * counts as an error. Prints one JSON object: calls, errors, seconds, calls per second.
 *
 *   flood ADDRESS CONNECTIONS WINDOW SECONDS DEST PATH INTERFACE MEMBER [ARG...]
 *
 * Each ARG is a string argument, or [] for an empty array of strings. With FLOOD_CALLS set, each
 * connection sends at most that many calls (and stops earlier if SECONDS run out).
 */
#include <dbus/dbus.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    const char *address, *dest, *path, *iface, *member;
    char **args;
    int nargs;
    int window;
    double seconds;
    long limit, sent, calls, errors;
} flooder_t;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static DBusPendingCall *send_one(DBusConnection *conn, flooder_t *f) {
    DBusMessage *call = dbus_message_new_method_call(f->dest, f->path, f->iface, f->member);
    for (int i = 0; i < f->nargs; i++) {
        if (strcmp(f->args[i], "[]") == 0) {
            DBusMessageIter iter, array;
            dbus_message_iter_init_append(call, &iter);
            dbus_message_iter_open_container(&iter, DBUS_TYPE_ARRAY, DBUS_TYPE_STRING_AS_STRING, &array);
            dbus_message_iter_close_container(&iter, &array);
        } else {
            dbus_message_append_args(call, DBUS_TYPE_STRING, &f->args[i], DBUS_TYPE_INVALID);
        }
    }
    DBusPendingCall *pending = NULL;
    if (!dbus_connection_send_with_reply(conn, call, &pending, 60000) || !pending) {
        fprintf(stderr, "flood: cannot send\n");
        exit(1);
    }
    dbus_message_unref(call);
    f->sent++;
    return pending;
}

static void *run(void *p) {
    flooder_t *f = p;
    DBusError err;
    dbus_error_init(&err);
    DBusConnection *conn = dbus_connection_open_private(f->address, &err);
    if (!conn || !dbus_bus_register(conn, &err)) {
        fprintf(stderr, "flood: cannot connect: %s\n", err.message);
        exit(1);
    }
    DBusPendingCall **ring = calloc(f->window, sizeof(DBusPendingCall *));
    int outstanding = 0;
    for (int i = 0; i < f->window && f->sent < f->limit; i++) {
        ring[i] = send_one(conn, f);
        outstanding++;
    }
    double end = now() + f->seconds;
    int oldest = 0;
    while (outstanding > 0) {
        DBusPendingCall *pending = ring[oldest];
        dbus_pending_call_block(pending);
        DBusMessage *reply = dbus_pending_call_steal_reply(pending);
        dbus_pending_call_unref(pending);
        if (!reply || dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_ERROR) {
            if (f->errors++ == 0 && reply) {
                fprintf(stderr, "flood: first error: %s\n", dbus_message_get_error_name(reply));
            }
        }
        if (reply) {
            dbus_message_unref(reply);
        }
        f->calls++;
        if (now() < end && f->sent < f->limit) {
            ring[oldest] = send_one(conn, f);
        } else {
            ring[oldest] = NULL;
            outstanding--;
        }
        oldest = (oldest + 1) % f->window;
        while (outstanding > 0 && ring[oldest] == NULL) {
            oldest = (oldest + 1) % f->window;
        }
    }
    free(ring);
    dbus_connection_close(conn);
    dbus_connection_unref(conn);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 9) {
        fprintf(stderr, "usage: %s ADDRESS CONNECTIONS WINDOW SECONDS DEST PATH INTERFACE MEMBER [ARG...]\n", argv[0]);
        return 2;
    }
    dbus_threads_init_default();
    int connections = atoi(argv[2]);
    flooder_t *flooders = calloc(connections, sizeof(flooder_t));
    pthread_t *threads = calloc(connections, sizeof(pthread_t));
    double start = now();
    for (int i = 0; i < connections; i++) {
        flooder_t *f = &flooders[i];
        f->address = argv[1];
        f->window = atoi(argv[3]);
        f->seconds = atof(argv[4]);
        f->dest = argv[5];
        f->path = argv[6];
        f->iface = argv[7];
        f->member = argv[8];
        f->limit = getenv("FLOOD_CALLS") ? atol(getenv("FLOOD_CALLS")) : -1;
        if (f->limit < 0) {
            f->limit = 1L << 62;
        }
        f->args = argv + 9;
        f->nargs = argc - 9;
        pthread_create(&threads[i], NULL, run, f);
    }
    long calls = 0, errors = 0;
    for (int i = 0; i < connections; i++) {
        pthread_join(threads[i], NULL);
        calls += flooders[i].calls;
        errors += flooders[i].errors;
    }
    double seconds = now() - start;
    printf("{\"connections\":%d,\"calls\":%ld,\"errors\":%ld,\"seconds\":%.3f,\"calls_per_second\":%.1f}\n", connections, calls,
           errors, seconds, calls / seconds);
    return errors ? 3 : 0;
}
