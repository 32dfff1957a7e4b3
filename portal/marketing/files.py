"""Activity materials 宣传资料 in the file store (outside static/, like ticket attachments).

The type is decided by content, never by the name or the browser's Content-Type: puremagic reads the
magic bytes; a zip is accepted only when its own structure says it is a Word, Excel or PowerPoint
document (every zip looks alike to magic bytes, so the Office check reuses tickets' OOXML reader).
"""
import uuid
from pathlib import Path

import puremagic
from flask import current_app
from flask_babel import gettext as _

from portal.tickets.files import ooxml_type, sanitize_filename

# Below the app's MAX_CONTENT_LENGTH (16 MB a request), so the form's own message is what users see.
MAX_MATERIAL_BYTES = 15 * 1024 * 1024
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
}
ZIP_MAGIC = b"PK\x03\x04"


class MaterialRefused(Exception):
    """Not an accepted type, empty or too large; the message is shown under the field."""


def material_type(data: bytes) -> str | None:
    """The accepted content type of these bytes, or None."""
    if data.startswith(ZIP_MAGIC):
        return ooxml_type(data)
    try:
        matches = puremagic.magic_string(data[:4096])
    except puremagic.PureError:
        return None
    for match in matches:
        if match.mime_type in ALLOWED_TYPES and match.mime_type not in {
                # puremagic guesses Office for any zip; those are decided above, from the zip itself.
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"}:
            return match.mime_type
    return None


def download_name(filename: str, content_type: str) -> str:
    """The sanitized name, its suffix made to match the checked type (a.pdf.exe never keeps .exe)."""
    name = sanitize_filename(filename)
    suffix = ALLOWED_TYPES[content_type]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if content_type == "image/jpeg" and name.lower().endswith(".jpeg"):
        return name
    return f"{stem or '资料'}{suffix}"


def store_dir() -> Path:
    return Path(current_app.config["FILE_STORE"]) / "marketing"


def save_material(upload) -> tuple[str, str, str, int]:
    """Check and store an upload under a generated name; (stored_name, filename, content_type, size)."""
    limit = current_app.config.get("MATERIAL_MAX_BYTES", MAX_MATERIAL_BYTES)
    data = upload.stream.read(limit + 1) if upload else b""
    if not data:
        raise MaterialRefused(_("请选择要上传的文件"))
    if len(data) > limit:
        raise MaterialRefused(_("资料文件不能超过 %(megabytes)s MB", megabytes=limit // (1024 * 1024)))
    content_type = material_type(data)
    if content_type is None:
        raise MaterialRefused(_("只能上传 PDF、PPTX、DOCX、XLSX、PNG 或 JPG 文件"))
    stored_name = uuid.uuid4().hex
    directory = store_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / stored_name).write_bytes(data)
    return stored_name, download_name(upload.filename or "", content_type), content_type, len(data)


def stored_path(stored_name: str) -> Path:
    """Stored names are our own hex uuids; anything else is not a stored file."""
    if len(stored_name) != 32 or not all(ch in "0123456789abcdef" for ch in stored_name):
        raise FileNotFoundError(stored_name)
    return store_dir() / stored_name
