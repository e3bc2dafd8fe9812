#!/usr/bin/env python3
"""Readiness probes for the local stack, speaking each server's own wire protocol.

    probe.py kafka 127.0.0.1:9092    ApiVersions + Metadata: broker answers and lists itself
    probe.py mongo 127.0.0.1:27017   OP_MSG hello + listDatabases: server and its backend answer

Exit 0 when ready, 1 when not (reason on stderr). Standard library only, so it runs before
any project dependency is installed.
"""

from __future__ import annotations

import socket
import struct
import sys

TIMEOUT_SECONDS = 3.0


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ConnectionError("connection closed mid-response")
        chunks += chunk
    return bytes(chunks)


# --- Kafka -----------------------------------------------------------------------------------


def _kafka_request(
    sock: socket.socket, api_key: int, version: int, correlation: int, body: bytes
) -> bytes:
    client_id = b"c360-probe"
    header = struct.pack(">hhih", api_key, version, correlation, len(client_id)) + client_id
    message = header + body
    sock.sendall(struct.pack(">i", len(message)) + message)
    (size,) = struct.unpack(">i", _recv_exact(sock, 4))
    response = _recv_exact(sock, size)
    (answered,) = struct.unpack(">i", response[:4])
    if answered != correlation:
        raise ConnectionError(f"correlation id {answered} != {correlation}")
    return response[4:]


def probe_kafka(host: str, port: int) -> None:
    with socket.create_connection((host, port), timeout=TIMEOUT_SECONDS) as sock:
        # ApiVersions v0: error_code int16 first.
        body = _kafka_request(sock, api_key=18, version=0, correlation=1, body=b"")
        (error_code,) = struct.unpack(">h", body[:2])
        if error_code != 0:
            raise RuntimeError(f"ApiVersions error code {error_code}")
        # Metadata v4 for no topics: throttle int32, then the broker array.
        body = _kafka_request(
            sock, api_key=3, version=4, correlation=2, body=struct.pack(">i?", 0, False)
        )
        (brokers,) = struct.unpack(">i", body[4:8])
        if brokers < 1:
            raise RuntimeError("metadata lists no live broker yet")


# --- MongoDB wire protocol --------------------------------------------------------------------


def _bson_encode(document: dict[str, object]) -> bytes:
    out = bytearray()
    for key, value in document.items():
        name = key.encode() + b"\x00"
        if isinstance(value, bool):
            out += b"\x08" + name + (b"\x01" if value else b"\x00")
        elif isinstance(value, int):
            out += b"\x10" + name + struct.pack("<i", value)
        elif isinstance(value, str):
            encoded = value.encode() + b"\x00"
            out += b"\x02" + name + struct.pack("<i", len(encoded)) + encoded
        else:
            raise TypeError(f"cannot encode {type(value).__name__}")
    return struct.pack("<i", len(out) + 5) + bytes(out) + b"\x00"


_FIXED_SIZES = {0x01: 8, 0x07: 12, 0x08: 1, 0x09: 8, 0x0A: 0, 0x10: 4, 0x11: 8, 0x12: 8}


def _bson_top_level(data: bytes) -> dict[str, object]:
    """Decode the scalar top-level fields a reply's verdict needs; skip everything else."""
    fields: dict[str, object] = {}
    pos, end = 4, struct.unpack("<i", data[:4])[0] - 1
    while pos < end:
        kind = data[pos]
        name_end = data.index(b"\x00", pos + 1)
        name = data[pos + 1 : name_end].decode()
        pos = name_end + 1
        if kind == 0x01:
            fields[name] = struct.unpack("<d", data[pos : pos + 8])[0]
        elif kind == 0x10:
            fields[name] = struct.unpack("<i", data[pos : pos + 4])[0]
        elif kind == 0x12:
            fields[name] = struct.unpack("<q", data[pos : pos + 8])[0]
        elif kind == 0x08:
            fields[name] = data[pos] == 1

        if kind == 0x02:
            (length,) = struct.unpack("<i", data[pos : pos + 4])
            fields[name] = data[pos + 4 : pos + 3 + length].decode(errors="replace")
            pos += 4 + length
        elif kind in (0x03, 0x04):
            pos += struct.unpack("<i", data[pos : pos + 4])[0]
        elif kind == 0x05:
            pos += 5 + struct.unpack("<i", data[pos : pos + 4])[0]
        elif kind in _FIXED_SIZES:
            pos += _FIXED_SIZES[kind]
        else:
            break  # a type the verdict never depends on; stop rather than misparse
    return fields


def _mongo_command(
    sock: socket.socket, request_id: int, command: dict[str, object]
) -> dict[str, object]:
    op_msg = 2013
    payload = struct.pack("<I", 0) + b"\x00" + _bson_encode(command)
    sock.sendall(struct.pack("<iiii", 16 + len(payload), request_id, 0, op_msg) + payload)
    size, _, responds_to, opcode = struct.unpack("<iiii", _recv_exact(sock, 16))
    body = _recv_exact(sock, size - 16)
    if opcode != op_msg or responds_to != request_id:
        raise ConnectionError(f"unexpected reply opcode={opcode} responseTo={responds_to}")
    return _bson_top_level(body[5:])  # flagBits uint32 + section kind byte


def probe_mongo(host: str, port: int) -> None:
    with socket.create_connection((host, port), timeout=TIMEOUT_SECONDS) as sock:
        for request_id, command in enumerate(
            (
                {"hello": 1, "$db": "admin"},
                # listDatabases reaches the storage backend, which hello does not.
                {"listDatabases": 1, "nameOnly": True, "$db": "admin"},
            ),
            start=1,
        ):
            reply = _mongo_command(sock, request_id, command)
            if reply.get("ok") != 1:
                raise RuntimeError(f"{next(iter(command))} failed: {reply.get('errmsg', reply)}")


PROBES = {"kafka": probe_kafka, "mongo": probe_mongo}


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in PROBES:
        print(f"usage: {argv[0]} {{{'|'.join(PROBES)}}} HOST:PORT", file=sys.stderr)
        return 2
    host, _, port = argv[2].rpartition(":")
    try:
        PROBES[argv[1]](host, int(port))
    except (OSError, RuntimeError, ValueError, struct.error) as error:
        print(f"{argv[1]} at {argv[2]} not ready: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
