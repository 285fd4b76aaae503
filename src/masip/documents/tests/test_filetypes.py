"""What a file is, read from its bytes; and the clamd INSTREAM protocol against a fake clamd."""

from __future__ import annotations

import io
import socket
import struct
import threading
import zipfile

import pytest

from masip.documents import clamd, filetypes
from masip.documents.filetypes import Refusal, sniff


def ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"%PDF-1.7\n...", filetypes.PDF),
        (b"\x89PNG\r\n\x1a\n\x00\x00", filetypes.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", filetypes.JPEG),
        (b"GIF89a\x01\x00", filetypes.GIF),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", filetypes.WEBP),
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", filetypes.WAV),
        (b"ID3\x04\x00\x00\x00", filetypes.MP3),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00", filetypes.M4A),
        (b"\x00\x00\x00\x20ftypisom\x00\x00", filetypes.MP4),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", filetypes.OLE2),
        (ooxml("word/document.xml"), filetypes.DOCX),
        (ooxml("xl/workbook.xml"), filetypes.XLSX),
        (ooxml("ppt/presentation.xml"), filetypes.PPTX),
        ("Texts received on 3 May – ‘I know where you live’\n".encode(), filetypes.TEXT),
    ],
)
def test_each_allowed_type_is_recognised_by_its_content(content, expected):
    assert sniff(content) == expected


@pytest.mark.parametrize(
    "content, says",
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "web page"),
        (b"  \n<html><body>hello</body></html>", "web page"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "web page"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "Windows program"),
        (b"\x7fELF\x02\x01\x01", "a program"),
        (b"#!/bin/sh\nrm -rf /\n", "a script"),
        (ooxml("evil.exe"), "ZIP archive"),
        (b"PK\x03\x04not really a zip", "ZIP archive"),
        (b"text with a \x00 NUL byte", "not a type"),
        (b"\xff\xfe\x00l\x00a\x00t\x00i\x00n\x001", "not a type"),
        (b"", "empty"),
    ],
)
def test_disallowed_content_is_refused_whatever_its_name(content, says):
    result = sniff(content)
    assert isinstance(result, Refusal)
    assert says in result.message and result.message.startswith("The selected file")


def test_a_download_keeps_its_name_but_gets_the_extension_of_what_it_is():
    assert filetypes.PDF.download_name("statement.pdf") == "statement.pdf"
    assert filetypes.TEXT.download_name("statement.pdf") == "statement.txt"
    assert filetypes.JPEG.download_name("photo.JPEG") == "photo.JPEG"
    assert filetypes.PNG.download_name("noextension") == "noextension.png"


class FakeClamd:
    """A clamd that reads one INSTREAM request and answers with a verdict on what it received."""

    def __init__(self, path, reply: bytes):
        self.reply, self.received, self.command = reply, b"", b""
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        self.server.listen(1)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def _read(self, conn, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed early")
            data += chunk
        return data

    def serve(self):
        conn, _ = self.server.accept()
        with conn:
            self.command = self._read(conn, len(b"zINSTREAM\0"))
            while True:
                (length,) = struct.unpack(">I", self._read(conn, 4))
                if length == 0:
                    break
                self.received += self._read(conn, length)
            conn.sendall(self.reply)

    def close(self):
        self.thread.join(timeout=5)
        self.server.close()


@pytest.fixture
def socket_path(tmp_path_factory):
    # A UNIX socket path must be short (108 bytes): tmp_path can be longer.
    import tempfile

    folder = tempfile.mkdtemp(prefix="clamd-")
    yield f"{folder}/clamd.sock"
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def test_clamd_instream_a_clean_file(socket_path):
    fake = FakeClamd(socket_path, b"stream: OK\0")
    content = b"%PDF-1.7 " + b"x" * (clamd.CHUNK * 2 + 17)  # three chunks
    verdict = clamd.scan(content, socket_path, timeout=5)
    fake.close()
    assert verdict == clamd.Verdict(True)
    assert fake.command == b"zINSTREAM\0" and fake.received == content


def test_clamd_instream_a_file_with_malware(socket_path):
    fake = FakeClamd(socket_path, b"stream: Win.Test.EICAR_HDB-1 FOUND\0")
    verdict = clamd.scan(b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR", socket_path, timeout=5)
    fake.close()
    assert verdict == clamd.Verdict(False, "Win.Test.EICAR_HDB-1")


def test_clamd_unreachable_or_an_error_reply_is_no_verdict(socket_path):
    with pytest.raises(clamd.ScannerUnavailable):
        clamd.scan(b"x", socket_path, timeout=1)
    with pytest.raises(clamd.ScannerUnavailable):
        clamd.parse_reply(b"INSTREAM size limit exceeded. ERROR\0")
