"""Document files in the file store (FILE_STORE/knowledge, outside static/): the tickets area's content
sniffing and name cleaning, a narrower list of types, a larger size limit; every version a new file."""
import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from portal.tickets.files import sanitize_filename, sniff_content_type

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
ACCEPTED_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# Shown in the browser (a new tab, never framed); everything else is only ever a download.
PREVIEW_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})
# A previewed file runs under its own policy: nothing loads, no script, no forms, no framing.
PREVIEW_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'"


class UploadRefused(Exception):
    """Not an accepted type, empty or too large; the message is shown under the field."""


def store_dir() -> Path:
    return Path(current_app.config["FILE_STORE"]) / "knowledge"


def save_upload(upload) -> dict:
    """Check an upload by its content and size and store it under a new generated name."""
    limit = current_app.config.get("KNOWLEDGE_DOCUMENT_MAX_BYTES", MAX_DOCUMENT_BYTES)
    data = upload.stream.read(limit + 1) if upload else b""
    if not data:
        raise UploadRefused(_("请选择要上传的文件"))
    if len(data) > limit:
        raise UploadRefused(_("文件不能超过 %(megabytes)s MB", megabytes=limit // (1024 * 1024)))
    content_type = sniff_content_type(data[:16], data)
    if content_type not in ACCEPTED_TYPES:
        raise UploadRefused(_("只能上传 PDF、PNG/JPEG 图片或 Word/Excel/PowerPoint（docx/xlsx/pptx）文件"))
    stored_name = uuid.uuid4().hex
    directory = store_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / stored_name, "xb") as handle:  # "x": never overwrite an existing file
        handle.write(data)
    return {"stored_name": stored_name, "filename": sanitize_filename(upload.filename), "content_type": content_type,
            "size": len(data)}


def stored_path(stored_name: str) -> Path:
    """The file's path; stored names are our own hex uuids (no traversal)."""
    if len(stored_name) != 32 or any(c not in "0123456789abcdef" for c in stored_name):
        raise FileNotFoundError(stored_name)
    return store_dir() / stored_name
