#!/usr/bin/env python3
"""A stand-in for systemd's notification socket: binds a unix datagram socket at argv[1],
prints every datagram as one JSON line {"pid": sender, "fields": {...}} and closes any file
descriptors passed along (systemd-notify's BARRIER=1 waits for exactly that)."""
import json, os, socket, struct, sys

path = sys.argv[1]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
sock.bind(path)
print(json.dumps({"listening": path}), flush=True)
while True:
    data, ancillary, _flags, _addr = sock.recvmsg(65536, socket.CMSG_SPACE(4 * 16) + socket.CMSG_SPACE(12))
    pid = None
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            count = len(payload) // 4
            for fd in struct.unpack(f"{count}i", payload[: count * 4]):
                os.close(fd)
        elif level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("3i", payload[:12])[0]
    fields = {}
    for line in data.decode("utf-8", "replace").split("\n"):
        if "=" in line:
            key, value = line.split("=", 1)
            fields[key] = value
    print(json.dumps({"pid": pid, "fields": fields}), flush=True)
