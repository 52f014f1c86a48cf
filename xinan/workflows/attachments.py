"""Attachments (附件) of workflow instances: an allow-list of file types, checked by content as
well as by name, a size limit (an editable parameter), SM3 and SHA-256 digests, and storage under
``MEDIA_ROOT/workflows/`` named by the SM3 digest (so the name a user gave never reaches a path).
"""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinan.core import parameters

MAX_MB = parameters.define("workflows.attachment.max_mb", 10, gettext_lazy("审批附件大小上限(MB)"), minimum=1, maximum=50)

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# extension → (content type, leading bytes the content must start with; None: UTF-8 text)
ALLOWED = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "ofd": ("application/ofd", _ZIP),
    "txt": ("text/plain", None),
}


@dataclass(frozen=True)
class Stored:
    name: str
    content_type: str
    size: int
    sm3: str
    sha256: str
    path: str
    created: bool  # False when an identical file was already stored


def max_bytes() -> int:
    return int(parameters.get(MAX_MB.key)) * 1024 * 1024


def _clean_name(name: str) -> str:
    name = os.path.basename(str(name or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:255]


def check(name: str, content: bytes) -> tuple[str, str]:
    """(clean name, content type) of an acceptable file; otherwise ValidationError."""
    clean = _clean_name(name)
    ext = clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    if ext not in ALLOWED:
        raise ValidationError(_("不允许的附件类型:%(name)s(允许 %(allowed)s) / file type not allowed")
                              % {"name": clean or "?", "allowed": ", ".join(sorted(ALLOWED))})
    limit = max_bytes()
    if len(content) > limit:
        raise ValidationError(_("附件超过大小上限 %(mb)s MB / the file exceeds %(mb)s MB")
                              % {"mb": limit // (1024 * 1024)})
    if not content:
        raise ValidationError(_("附件为空 / the file is empty"))
    content_type, magic = ALLOWED[ext]
    if magic is None:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(_("文本附件须为 UTF-8 编码 / a text file must be UTF-8")) from None
    elif not content.startswith(magic):
        raise ValidationError(_("附件内容与文件类型不符:%(name)s / the content is not a %(ext)s file")
                              % {"name": clean, "ext": ext})
    return clean, content_type


def read(upload) -> tuple[str, bytes]:
    """(name, bytes) of an uploaded file, reading at most one byte past the limit."""
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(_("附件超过大小上限 %(mb)s MB / the file exceeds %(mb)s MB")
                              % {"mb": limit // (1024 * 1024)})
    content = upload.read(limit + 1)
    return getattr(upload, "name", ""), content


def root() -> Path:
    return Path(settings.MEDIA_ROOT) / "workflows"


def store(name: str, content: bytes) -> Stored:
    clean, content_type = check(name, content)
    sm3 = hashlib.new("sm3", content).hexdigest()
    sha256 = hashlib.sha256(content).hexdigest()
    relative = f"workflows/{sm3[:2]}/{sm3}"
    path = Path(settings.MEDIA_ROOT) / relative
    created = not path.exists()
    if created:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        with open(temporary, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    return Stored(clean, content_type, len(content), sm3, sha256, relative, created)


def discard(stored: Stored) -> None:
    """Remove a file stored for a write that was then rolled back (if no one else holds it)."""
    from .models import WorkflowAttachment

    if stored.created and not WorkflowAttachment.objects.filter(sm3=stored.sm3).exists():
        (Path(settings.MEDIA_ROOT) / stored.path).unlink(missing_ok=True)


def open_file(attachment):
    path = Path(settings.MEDIA_ROOT) / attachment.path
    content = path.read_bytes()
    if hashlib.new("sm3", content).hexdigest() != attachment.sm3:
        raise ValidationError(_("附件内容与登记的摘要不符,可能被篡改 / the stored file no longer matches its digest"))
    return content
