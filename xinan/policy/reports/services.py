"""Generating the self-assessment report: permission, rendering, and one audit event per report
(``policy.report.generate``) naming the format, the size, the SM3 digest of the file handed out
and the counts of conclusions, so an issued report can be matched to the chain later."""

import hashlib

from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record
from xinan.core.excel import XLSX_MIME
from xinan.core.services import require

from ..exports import REPORT_PERMISSION
from .content import TITLE, build

CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_MIME}


def _render(report, fmt: str) -> bytes:
    if fmt == "pdf":
        from .pdf import render
    else:
        from .xlsx import render
    return render(report)


def report_generate(actor, fmt: str, *, assessor: str = "", reason: str = "") -> tuple[bytes, str]:
    """The 篇21 self-assessment report as ``fmt`` (pdf or xlsx) and its file name. ``actor`` is a
    user (who needs ``policy.report.view``) or, from the command line, a ``"cli:<login>"`` label."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"format must be one of {sorted(CONTENT_TYPES)}")
    if not isinstance(actor, str):
        require(actor, REPORT_PERMISSION)
    report = build(assessor=assessor)
    data = _render(report, fmt)
    digest = "sm3:" + hashlib.new("sm3", data).hexdigest()
    with audited_write():
        record(actor, "policy.report.generate", ("policy.report", "self-assessment", _("信息安全自评估检查报告")),
               after={"report": "self-assessment", "format": fmt, "bytes": len(data), "digest": digest,
                      "conclusions": dict(report.counts)},
               reason=reason or _("生成信息安全自评估检查报告"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return data, f"{TITLE}-{stamp}.{fmt}"
