"""The 办理 steps of a footage copy/download/loan request (p15.8.5-a): approve or refuse, then
release; the services check everything again."""

from django.utils.translation import gettext_lazy as _

from . import forms as f
from . import services as s
from .models import FootageRelease
from .steps import STEPS, Step, _plain

FR = FootageRelease.Status

STEPS["footage-releases"] = [
    Step("approve", _("批准拷贝外借"), "assets.footagerelease.approve", (FR.REQUESTED,), f.NoteForm,
         lambda a, o, d: s.footage_release_approve(a, o, approve=True, **d)),
    Step("reject", _("不批准"), "assets.footagerelease.approve", (FR.REQUESTED,), f.ReasonRequiredForm,
         lambda a, o, d: s.footage_release_approve(a, o, approve=False, **d), "outline-danger"),
    Step("release", _("提供监控资料"), "assets.footagerelease.release", (FR.APPROVED,), f.NoteForm,
         _plain(s.footage_release_release)),
]
