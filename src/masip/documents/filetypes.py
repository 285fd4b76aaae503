"""What an uploaded file is, read from its bytes (never from its name).

A plain function over the content: the allowed types are recognised by their
magic bytes (and, for Office documents, by the parts inside the ZIP), so a
file named `statement.pdf` that holds a web page or a program is refused.
No Django here: it is tested on bytes alone.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

ALLOWED_DESCRIPTION = (
    "a PDF, an image (PNG, JPEG, GIF or WebP), an Office document, audio (MP3, WAV or M4A) or plain text"
)


@dataclass(frozen=True)
class FileType:
    label: str  # shown on the documents panel, e.g. "PDF"
    content_type: str  # sent with the download
    extension: str  # the extension a downloaded copy is given when its name has none of `extensions`
    extensions: tuple[str, ...] = ()

    def download_name(self, original: str) -> str:
        """The original name, with the extension of what the file really is."""
        stem, dot, ext = original.rpartition(".")
        if dot and ext.lower() in (self.extension, *self.extensions):
            return original
        return f"{stem if dot else original}.{self.extension}"


PDF = FileType("PDF", "application/pdf", "pdf")
PNG = FileType("PNG image", "image/png", "png")
JPEG = FileType("JPEG image", "image/jpeg", "jpg", ("jpeg", "jpe", "jfif"))
GIF = FileType("GIF image", "image/gif", "gif")
WEBP = FileType("WebP image", "image/webp", "webp")
DOCX = FileType(
    "Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", ("docm",)
)
XLSX = FileType("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", ("xlsm",))
PPTX = FileType(
    "PowerPoint presentation", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx",
    ("pptm",),
)
OLE2 = FileType("Office document (older format)", "application/vnd.ms-office", "doc", ("xls", "ppt", "msg"))
MP3 = FileType("MP3 audio", "audio/mpeg", "mp3")
WAV = FileType("WAV audio", "audio/wav", "wav")
M4A = FileType("M4A audio", "audio/mp4", "m4a", ("mp4", "aac"))
MP4 = FileType("MP4 video", "video/mp4", "mp4", ("m4v", "mov"))
TEXT = FileType("Plain text", "text/plain; charset=utf-8", "txt", ("csv", "log", "text"))

ALL_TYPES = (PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, OLE2, MP3, WAV, M4A, MP4, TEXT)


@dataclass(frozen=True)
class Refusal:
    """Why a file is not accepted, said to the user."""

    message: str


_OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<head", b"<iframe", b"<meta")
_EXECUTABLES = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"\xcf\xfa\xed\xfe", "a program"),
    (b"\xca\xfe\xba\xbe", "a program"),
    (b"#!", "a script"),
)


def sniff(content: bytes) -> FileType | Refusal:
    """The type of the file these bytes are, or why it is refused."""
    if not content:
        return Refusal("The selected file is empty")
    head = content[:64]
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] in (0xFB, 0xFA, 0xF3, 0xF2, 0xE3)):
        return MP3
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return M4A if brand.startswith((b"M4A", b"M4B")) else MP4
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE2
    if head.startswith(b"PK\x03\x04"):
        return _office(content)
    for magic, what in _EXECUTABLES:
        if head.startswith(magic):
            return Refusal(f"The selected file is {what}: it must be {ALLOWED_DESCRIPTION}")
    return _text(content)


def _office(content: bytes) -> FileType | Refusal:
    refusal = Refusal(f"The selected file is a ZIP archive, not an Office document: it must be {ALLOWED_DESCRIPTION}")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return refusal
    if "[Content_Types].xml" not in names:
        return refusal
    for prefix, kind in _OOXML_PARTS:
        if any(name.startswith(prefix) for name in names):
            return kind
    return refusal


def _text(content: bytes) -> FileType | Refusal:
    unknown = Refusal(f"The selected file is not a type that can be uploaded: it must be {ALLOWED_DESCRIPTION}")
    if b"\x00" in content:
        return unknown
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return unknown
    sample = text.lstrip("\ufeff \t\r\n").lower().encode()
    if sample.startswith(b"<") or any(tag in sample[:4096] for tag in _MARKUP):
        return Refusal(f"The selected file is a web page or markup: it must be {ALLOWED_DESCRIPTION}")
    return TEXT


def by_label(label: str) -> FileType | None:
    return next((kind for kind in ALL_TYPES if kind.label == label), None)
