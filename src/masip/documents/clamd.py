"""Scanning a file for malware with ClamAV's daemon (clamd), over its UNIX socket.

The INSTREAM protocol: send `zINSTREAM\\0`, then the content in chunks, each
preceded by its length as 4 bytes big-endian, then a zero-length chunk; clamd
answers `stream: OK`, `stream: <signature> FOUND` or `... ERROR`, ended by NUL.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd could not be reached or did not give a verdict."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    signature: str = ""  # the threat clamd found


def scan(content: bytes, socket_path: str, *, timeout: float = 60.0) -> Verdict:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(socket_path)
            conn.sendall(b"zINSTREAM\0")
            for start in range(0, len(content), CHUNK):
                chunk = content[start : start + CHUNK]
                conn.sendall(struct.pack(">I", len(chunk)) + chunk)
            conn.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                data = conn.recv(4096)
                if not data:
                    break
                reply += data
    except OSError as exc:
        raise ScannerUnavailable(str(exc)) from exc
    return parse_reply(reply)


def parse_reply(reply: bytes) -> Verdict:
    text = reply.rstrip(b"\0\n").decode("utf-8", "replace").strip()
    _, _, verdict = text.partition(": ")
    if verdict == "OK":
        return Verdict(True)
    if verdict.endswith(" FOUND"):
        return Verdict(False, verdict.removesuffix(" FOUND").strip())
    raise ScannerUnavailable(f"clamd gave no verdict: {text[:200]}")
