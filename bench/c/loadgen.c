/*
 * The benchmark suite's load driver, written against libdbus so that the client costs the same
 * whichever service it measures. CLIENTS threads, each with its own connection, call one method
 * back to back for SECONDS (after a short warm-up) and record every call's latency. Prints one
 * JSON object: clients, calls, errors, seconds, calls per second, p50/p90/p99/max in microseconds
 * and the size of a reply. With LOADGEN_SAVE_REPLY=FILE it also writes one reply, marshalled, to FILE.
 *
 *   loadgen ADDRESS CLIENTS SECONDS DEST PATH INTERFACE MEMBER [STRING_ARG...]
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
    double seconds, warmup;
    long calls, errors, cap, reply_bytes;
    double *latencies;
} worker_t;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *run(void *p) {
    worker_t *w = p;
    DBusError err;
    dbus_error_init(&err);
    DBusConnection *conn = dbus_connection_open_private(w->address, &err);
    if (!conn || !dbus_bus_register(conn, &err)) {
        fprintf(stderr, "loadgen: cannot connect: %s\n", err.message);
        exit(1);
    }
    double start = now();
    double measure_from = start + w->warmup;
    double end = measure_from + w->seconds;
    for (;;) {
        double t0 = now();
        if (t0 >= end) {
            break;
        }
        DBusMessage *call = dbus_message_new_method_call(w->dest, w->path, w->iface, w->member);
        for (int i = 0; i < w->nargs; i++) {
            dbus_message_append_args(call, DBUS_TYPE_STRING, &w->args[i], DBUS_TYPE_INVALID);
        }
        DBusMessage *reply = dbus_connection_send_with_reply_and_block(conn, call, 600000, &err);
        double t1 = now();
        dbus_message_unref(call);
        if (t0 < measure_from) {
            if (reply) {
                dbus_message_unref(reply);
            } else {
                dbus_error_free(&err);
            }
            continue;
        }
        if (!reply) {
            if (w->errors++ == 0) {
                fprintf(stderr, "loadgen: first error: %s: %s\n", err.name, err.message);
            }
            dbus_error_free(&err);
        } else {
            if (w->reply_bytes == 0) {
                char *wire;
                int length;
                if (dbus_message_marshal(reply, &wire, &length)) {
                    w->reply_bytes = length;
                    const char *save = getenv("LOADGEN_SAVE_REPLY");
                    if (save && *save) {
                        FILE *f = fopen(save, "wb");
                        if (f) {
                            fwrite(wire, 1, length, f);
                            fclose(f);
                        }
                    }
                    dbus_free(wire);
                }
            }
            dbus_message_unref(reply);
        }
        if (w->calls == w->cap) {
            w->cap *= 2;
            w->latencies = realloc(w->latencies, w->cap * sizeof(double));
        }
        w->latencies[w->calls++] = (t1 - t0) * 1e6;
    }
    dbus_connection_close(conn);
    dbus_connection_unref(conn);
    return NULL;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 8) {
        fprintf(stderr, "usage: %s ADDRESS CLIENTS SECONDS DEST PATH INTERFACE MEMBER [STRING_ARG...]\n", argv[0]);
        return 2;
    }
    dbus_threads_init_default();
    int clients = atoi(argv[2]);
    double seconds = atof(argv[3]);
    worker_t *workers = calloc(clients, sizeof(worker_t));
    pthread_t *threads = calloc(clients, sizeof(pthread_t));
    for (int i = 0; i < clients; i++) {
        worker_t *w = &workers[i];
        w->address = argv[1];
        w->dest = argv[4];
        w->path = argv[5];
        w->iface = argv[6];
        w->member = argv[7];
        w->args = argv + 8;
        w->nargs = argc - 8;
        w->seconds = seconds;
        w->warmup = seconds / 4;
        w->cap = 1024;
        w->latencies = malloc(w->cap * sizeof(double));
        pthread_create(&threads[i], NULL, run, w);
    }
    long calls = 0, errors = 0, reply_bytes = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(threads[i], NULL);
        calls += workers[i].calls;
        errors += workers[i].errors;
        if (workers[i].reply_bytes > reply_bytes) {
            reply_bytes = workers[i].reply_bytes;
        }
    }
    double *all = malloc((calls > 0 ? calls : 1) * sizeof(double));
    long k = 0;
    for (int i = 0; i < clients; i++) {
        memcpy(all + k, workers[i].latencies, workers[i].calls * sizeof(double));
        k += workers[i].calls;
    }
    qsort(all, calls, sizeof(double), cmp);
#define PCT(p) (calls ? all[(long) ((calls - 1) * (p))] : 0)
    printf("{\"clients\":%d,\"calls\":%ld,\"errors\":%ld,\"seconds\":%.3f,\"calls_per_second\":%.1f,"
           "\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,\"reply_bytes\":%ld}\n",
           clients, calls, errors, seconds, calls / seconds, PCT(0.50), PCT(0.90), PCT(0.99), calls ? all[calls - 1] : 0,
           reply_bytes);
    return errors ? 3 : 0;
}
