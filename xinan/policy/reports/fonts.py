"""The CJK font the PDF embeds. reportlab embeds TrueType outlines only, so the font must be a
TrueType face: Debian's ``fonts-wqy-zenhei`` (文泉驿正黑, a .ttc whose first face is used), or
another TrueType CJK face found on the system. ``settings.REPORT_CJK_FONT`` (or the environment
variable ``XINAN_REPORT_FONT``) names a file to use instead, as ``path`` or ``path#index``.
Without one, generating a PDF fails with a message naming the package to install."""

import glob
import os
from functools import lru_cache

from django.conf import settings

FONT_NAME = "XinanCJK"
CANDIDATES = [
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # CFF outlines: refused by reportlab, tried anyway
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
]
PATTERNS = ["/usr/share/fonts/**/*wqy*.tt[fc]", "/usr/share/fonts/**/*[Nn]oto*CJK*.tt[fc]",
            "/usr/share/fonts/**/*Droid*Fallback*.ttf", "/usr/share/fonts/**/*uming*.tt[fc]",
            "/usr/share/fonts/**/*ukai*.tt[fc]"]


class FontMissing(RuntimeError):
    pass


MESSAGE = ("未找到可嵌入 PDF 的中文 TrueType 字体,请安装 Debian 软件包 fonts-wqy-zenhei"
           "(apt-get install fonts-wqy-zenhei),或以 XINAN_REPORT_FONT 指定字体文件 / no embeddable CJK "
           "TrueType font found: install the Debian package fonts-wqy-zenhei, or set XINAN_REPORT_FONT")


def _configured() -> list[tuple[str, int]]:
    raw = getattr(settings, "REPORT_CJK_FONT", "") or os.environ.get("XINAN_REPORT_FONT", "")
    if not raw:
        return []
    path, _sep, index = raw.partition("#")
    return [(path, int(index or 0))]


def candidates() -> list[tuple[str, int]]:
    found = _configured() + [c for c in CANDIDATES if os.path.exists(c[0])]
    for pattern in PATTERNS:
        found += [(p, 0) for p in sorted(glob.glob(pattern, recursive=True))]
    seen, unique = set(), []
    for c in found:
        if c not in seen:
            seen.add(c)
            unique.append(c)
    return unique


@lru_cache(maxsize=1)
def register() -> tuple[str, str]:
    """Register the first usable CJK face with reportlab; returns (font name, file path)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    problems = []
    for path, index in candidates():
        if not os.path.exists(path):
            problems.append(f"{path}: not found")
            continue
        try:
            kwargs = {"subfontIndex": index} if path.lower().endswith(".ttc") else {}
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, **kwargs))
        except Exception as exc:  # CFF outlines, a broken file: try the next
            problems.append(f"{path}: {exc}")
            continue
        return FONT_NAME, path
    raise FontMissing(MESSAGE + ("\n" + "\n".join(problems) if problems else ""))
