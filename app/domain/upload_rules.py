"""What an uploaded file may be: a sane name, a size within the limit, and a type read from its
content (never from its name): PDF, images, office documents."""

from __future__ import annotations

import filetype

from app.domain.errors import DomainError

# Extension as detected from the content -> the content type the download declares.
ALLOWED_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp",
    "doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
MAX_NAME = 200
SNIFF_BYTES = 8192


def check_name(name: object) -> str:
    """The name as the user will see it again. Anything that looks like a path, a control
    character or an absurd length is refused, not repaired: the user renames the file."""
    if not isinstance(name, str) or not name.strip():
        raise DomainError({"file": "uploads.err.name"})
    if len(name) > MAX_NAME or any(ord(c) < 32 or c == "\x7f" for c in name):
        raise DomainError({"file": "uploads.err.name"}, name=name[:60])
    if "/" in name or "\\" in name or name.strip() in (".", "..") or (len(name) > 1 and name[1] == ":"):
        raise DomainError({"file": "uploads.err.name"}, name=name[:60])
    return name.strip()


def check_size(size: int, limit: int) -> None:
    if size <= 0:
        raise DomainError({"file": "uploads.err.empty"})
    if size > limit:
        raise DomainError({"file": "uploads.err.too_big"}, limit_mb=limit // (1024 * 1024))


def detect_type(head: bytes) -> tuple[str, str]:
    """(extension, content type) read from the first bytes; anything not allowed is refused."""
    kind = filetype.guess(head[:SNIFF_BYTES])
    if kind is None or kind.extension not in ALLOWED_TYPES:
        raise DomainError({"file": "uploads.err.type"})
    return kind.extension, ALLOWED_TYPES[kind.extension]
