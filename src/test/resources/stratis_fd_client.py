"""Calls the daemon's fd-carrying methods the way stratis-cli does (dbus-python), for the tests.

Usage:
  stratis_fd_client.py ADDRESS set-key DESC file PATH
  stratis_fd_client.py ADDRESS set-key DESC pipe HEXBYTES      (writer kept open during the call)
  stratis_fd_client.py ADDRESS start-pool ID ID_TYPE UNLOCK PASSPHRASE_FILE_OR_- REMOVE_CACHE
      UNLOCK: none | any | <slot>
Prints the reply as JSON: [payload, return_code, return_string].
"""
import json
import os
import sys

import dbus


def plain(value):
    if isinstance(value, (dbus.Struct, tuple, list, dbus.Array)):
        return [plain(v) for v in value]
    if isinstance(value, dbus.Dictionary):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, dbus.Boolean):
        return bool(value)
    if isinstance(value, (dbus.String, dbus.ObjectPath)):
        return str(value)
    if isinstance(value, (int, dbus.UInt16, dbus.UInt32, dbus.UInt64)):
        return int(value)
    return value


def main():
    address, command, *args = sys.argv[1:]
    bus = dbus.bus.BusConnection(address)
    manager = dbus.Interface(bus.get_object("org.storage.stratis3", "/org/storage/stratis3", introspect=False),
                             "org.storage.stratis3.Manager.r9")
    if command == "set-key":
        desc, kind, source = args
        if kind == "file":
            with open(source, "rb") as key:
                reply = manager.SetKey(desc, dbus.types.UnixFd(key.fileno()), signature="sh")
        else:
            read_end, write_end = os.pipe()
            os.write(write_end, bytes.fromhex(source))
            reply = manager.SetKey(desc, dbus.types.UnixFd(read_end), signature="sh")
            os.close(write_end)
            os.close(read_end)
    elif command == "start-pool":
        pool_id, id_type, unlock, passphrase, remove_cache = args
        if unlock == "none":
            unlock_method = (False, (False, 0))
        elif unlock == "any":
            unlock_method = (True, (False, 0))
        else:
            unlock_method = (True, (True, int(unlock)))
        if passphrase == "-":
            key_fd = (False, 0)
            reply = manager.StartPool(pool_id, id_type, unlock_method, key_fd, remove_cache == "true",
                                      signature="ss(b(bu))(bh)b")
        else:
            with open(passphrase, "rb") as key:
                reply = manager.StartPool(pool_id, id_type, unlock_method, (True, dbus.types.UnixFd(key.fileno())),
                                          remove_cache == "true", signature="ss(b(bu))(bh)b")
    else:
        raise SystemExit("unknown command " + command)
    print(json.dumps(plain(reply)))


if __name__ == "__main__":
    main()
