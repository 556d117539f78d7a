/*
 * Floor 2 of the benchmark suite: the smallest useful D-Bus service, written against libdbus.
 * It owns a name and answers org.freedesktop.DBus.Properties.Get with a variant string (the shape
 * of stratisd's reply to Properties.Get of a pool's Name), Peer.Ping with an empty reply,
 * org.example.Echo.Blob(s size) with a byte array of that many bytes, org.example.Echo.Replay(s
 * file) with the body of the message marshalled in that file (loadgen saves one; so the floor for
 * a large reply has the very shape and size of stratisd's), and any other call with an error. One thread, libdbus's blocking dispatch loop.
 *
 *   echo ADDRESS NAME
 */
#include <dbus/dbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *replay_path;
static DBusMessage *replay_message;

static DBusMessage *replay(DBusMessage *call, const char *path) {
    if (!replay_path || strcmp(replay_path, path) != 0) {
        FILE *f = fopen(path, "rb");
        if (!f) {
            return dbus_message_new_error(call, DBUS_ERROR_FILE_NOT_FOUND, path);
        }
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *wire = malloc(size);
        if (fread(wire, 1, size, f) != (size_t) size) {
            fclose(f);
            free(wire);
            return dbus_message_new_error(call, DBUS_ERROR_FAILED, "short read");
        }
        fclose(f);
        DBusError err;
        dbus_error_init(&err);
        if (replay_message) {
            dbus_message_unref(replay_message);
        }
        replay_message = dbus_message_demarshal(wire, size, &err);
        free(wire);
        free(replay_path);
        replay_path = strdup(path);
        if (!replay_message) {
            return dbus_message_new_error(call, DBUS_ERROR_FAILED, err.message);
        }
    }
    DBusMessage *reply = dbus_message_copy(replay_message);
    dbus_message_set_serial(reply, 0);
    dbus_message_set_reply_serial(reply, dbus_message_get_serial(call));
    dbus_message_set_destination(reply, dbus_message_get_sender(call));
    dbus_message_set_sender(reply, NULL);
    return reply;
}

static DBusHandlerResult handle(DBusConnection *conn, DBusMessage *msg, void *data) {
    (void) data;
    if (dbus_message_get_type(msg) != DBUS_MESSAGE_TYPE_METHOD_CALL) {
        return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
    }
    DBusMessage *reply;
    if (dbus_message_is_method_call(msg, "org.freedesktop.DBus.Properties", "Get")) {
        reply = dbus_message_new_method_return(msg);
        DBusMessageIter iter, variant;
        const char *value = "pool-name";
        dbus_message_iter_init_append(reply, &iter);
        dbus_message_iter_open_container(&iter, DBUS_TYPE_VARIANT, "s", &variant);
        dbus_message_iter_append_basic(&variant, DBUS_TYPE_STRING, &value);
        dbus_message_iter_close_container(&iter, &variant);
    } else if (dbus_message_is_method_call(msg, "org.example.Echo", "Replay")) {
        const char *path = "";
        dbus_message_get_args(msg, NULL, DBUS_TYPE_STRING, &path, DBUS_TYPE_INVALID);
        reply = replay(msg, path);
    } else if (dbus_message_is_method_call(msg, "org.example.Echo", "Blob")) {
        const char *size_text = "0";
        dbus_message_get_args(msg, NULL, DBUS_TYPE_STRING, &size_text, DBUS_TYPE_INVALID);
        int size = atoi(size_text);
        char *bytes = calloc(size > 0 ? size : 1, 1);
        reply = dbus_message_new_method_return(msg);
        dbus_message_append_args(reply, DBUS_TYPE_ARRAY, DBUS_TYPE_BYTE, &bytes, size, DBUS_TYPE_INVALID);
        free(bytes);
    } else if (dbus_message_is_method_call(msg, "org.freedesktop.DBus.Peer", "Ping")) {
        reply = dbus_message_new_method_return(msg);
    } else {
        reply = dbus_message_new_error(msg, DBUS_ERROR_UNKNOWN_METHOD, "only Properties.Get and Peer.Ping");
    }
    dbus_connection_send(conn, reply, NULL);
    dbus_message_unref(reply);
    return DBUS_HANDLER_RESULT_HANDLED;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s ADDRESS NAME\n", argv[0]);
        return 2;
    }
    DBusError err;
    dbus_error_init(&err);
    DBusConnection *conn = dbus_connection_open_private(argv[1], &err);
    if (!conn || !dbus_bus_register(conn, &err)) {
        fprintf(stderr, "echo: cannot connect: %s\n", err.message);
        return 1;
    }
    if (dbus_bus_request_name(conn, argv[2], DBUS_NAME_FLAG_DO_NOT_QUEUE, &err) != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
        fprintf(stderr, "echo: cannot own %s\n", argv[2]);
        return 1;
    }
    dbus_connection_add_filter(conn, handle, NULL, NULL);
    printf("ready\n");
    fflush(stdout);
    while (dbus_connection_read_write_dispatch(conn, -1)) {
    }
    return 0;
}
