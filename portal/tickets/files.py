"""Ticket attachments in the file store (outside static/): type checked by content, size-limited."""
import io
import re
import unicodedata
import uuid
import zipfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML_TYPES = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
}


class AttachmentRefused(Exception):
    """The upload is not an accepted type or is too large; the message is shown under the field."""


def sniff_content_type(head: bytes, data: bytes) -> str | None:
    """The content type decided by magic bytes (never by the name or the browser's claim)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(OLE_MAGIC):
        return "application/x-ole-storage"  # legacy .doc/.xls/.ppt
    if head.startswith(b"PK\x03\x04"):
        return ooxml_type(data)
    return None


def ooxml_type(data: bytes) -> str | None:
    """A zip is accepted only if it is an Office Open XML document."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, (content_type, _suffix) in OOXML_TYPES.items():
        if any(name.startswith(prefix) for name in names):
            return content_type
    return None


def sanitize_filename(name: str) -> str:
    """Keep letters (Chinese included), digits, dot, dash, underscore; no paths, no control characters."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[^\w.\-（）() ]", "_", name, flags=re.UNICODE).strip(" .")
    return (name or "附件")[-100:]


def store_dir() -> Path:
    return Path(current_app.config["FILE_STORE"]) / "tickets"


def save_upload(upload) -> tuple[str, str, str, int]:
    """Check and store an upload; returns (stored_name, filename, content_type, size)."""
    limit = current_app.config.get("TICKET_ATTACHMENT_MAX_BYTES", MAX_ATTACHMENT_BYTES)
    data = upload.stream.read(limit + 1)
    if not data:
        raise AttachmentRefused(_("请选择要上传的文件"))
    if len(data) > limit:
        raise AttachmentRefused(_("附件不能超过 %(megabytes)s MB", megabytes=limit // (1024 * 1024)))
    content_type = sniff_content_type(data[:16], data)
    if content_type is None:
        raise AttachmentRefused(_("只能上传图片（PNG/JPEG/GIF）、PDF 或 Office 文件"))
    stored_name = uuid.uuid4().hex
    directory = store_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / stored_name).write_bytes(data)
    return stored_name, sanitize_filename(upload.filename), content_type, len(data)


def stored_path(stored_name: str) -> Path:
    """The file's path; stored names are our own hex uuids, so no traversal is possible."""
    if not re.fullmatch(r"[0-9a-f]{32}", stored_name):
        raise FileNotFoundError(stored_name)
    return store_dir() / stored_name
