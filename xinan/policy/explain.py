"""Readable forms of what the dashboard and the report show: a pack reference (``check:p04.3-a``,
``parameter:identity.password.admin_max_age_days``), a clause's parameters, a finding's subject
and its evidence."""

import importlib
import re
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_datetime
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .durations import Duration, is_duration

REF_KINDS = {
    "check": _("检查"), "register": _("登记簿"), "parameter": _("参数"), "service": _("服务"),
    "constraint": _("数据库约束"), "setting": _("系统设置"), "responsibility": _("角色职责"),
    "workflow": _("审批流程"), "obligation": _("周期性义务"), "penalty": _("处罚规则"), "attestation": _("合规声明"),
}

SUBJECT_TYPES = {
    "identity.user": _("账号"), "org.person": _("人员"), "org.department": _("部门"), "org.post": _("岗位"),
    "org.role": _("角色"), "org.roleassignment": _("角色授权"), "policy.clause": _("条款"),
    "core.parameter": _("参数"),
}
# Where a subject's page is (a register's detail, or the clause page).
SUBJECT_URLS = {
    "org.person": "registers:people_detail", "org.department": "registers:departments_detail",
    "org.post": "registers:posts_detail", "policy.clause": "policy:clause_detail",
}

EVIDENCE_LABELS = {
    "password_changed_at": _("口令最后修改时间"), "max_age": _("更换周期"), "roles": _("角色"),
    "mfa_enabled": _("已启用双因素认证"), "username": _("账号"), "left_on": _("离职日期"), "within": _("时限"),
    "grants": _("授权"), "permissions": _("权限"), "triad": _("三员角色"), "last_revoked_at": _("最近撤销时间"),
    "code": _("编码"), "role": _("角色"), "requested_at": _("申请时间"), "limit": _("时限"),
    "last_period_end": _("上一声明期间止"), "status": _("状态"), "id": _("编号"),
}


@dataclass(frozen=True)
class Ref:
    raw: str
    kind: str
    kind_label: str
    name: str
    label: str
    url: str | None = None


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0].strip() if (text or "").strip() else ""


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def describe_ref(raw: str) -> Ref:
    """A pack reference as a label a reader understands (never raises: an unknown reference is
    shown as written)."""
    kind, _sep, name = str(raw).partition(":")
    if raw == "attestation":
        kind, name = "attestation", ""
    kind_label = str(REF_KINDS.get(kind, kind))
    label, url = name, None
    try:
        if kind == "check":
            from .checks import registry

            spec = registry.get(name)
            label = spec.title if spec else name
        elif kind == "register":
            from xinan.core.registers import registry

            label = str(registry.get(name).title)
            url = _url(f"registers:{name}_list")
        elif kind == "parameter":
            from xinan.core import parameters

            spec = parameters.REGISTRY.get(name)
            if spec is not None:
                label = f"{spec.label} = {_value(parameters.get(name))}"
        elif kind == "service":
            module_name, _dot, attr = name.rpartition(".")
            target = getattr(importlib.import_module(module_name), attr)
            doc = _first_line(target.__doc__)
            label = f"{doc}({attr})" if doc else attr
        elif kind == "constraint":
            from django.apps import apps

            model_label, _dot, constraint = name.rpartition(".")
            label = f"{apps.get_model(model_label)._meta.verbose_name}:{constraint}"
        elif kind == "responsibility":
            from xinan.org.roles import BUILTIN_ROLES

            role = next((r for r in BUILTIN_ROLES if r["code"] == name), None)
            label = f"{role['name']}:{role['description']}" if role else name
        elif kind == "attestation":
            label = str(_("经批准的合规声明覆盖当日"))
            url = _url("registers:attestations_list")
    except Exception:  # a reference the pack validation would report: show it as written
        label = name
    return Ref(str(raw), kind, kind_label, name, str(label), url)


def _value(value) -> str:
    if value is None:
        return str(_("(空白,待本单位设定)"))
    if isinstance(value, Duration):
        return f"{value.label()}({value.iso()})"
    if isinstance(value, str) and is_duration(value) and value.startswith("P"):
        d = Duration.parse(value)
        return f"{d.label()}({d.iso()})"
    return str(value)


def clause_parameters(clause_id: str) -> list[dict]:
    """The pack's parameters of one clause with their current values and where they live."""
    from . import pack

    p = pack.load()
    rows = []
    for (cid, name), spec in p.params.items():
        if cid != clause_id:
            continue
        try:
            value = _value(pack.param(cid, name, p))
        except Exception:
            value = "?"
        where = {"bind": spec.bind, "editable": spec.key, "fixed": _("由条款原文确定"),
                 "derived": spec.derived}.get(spec.form, spec.form)
        rows.append({"name": name, "value": value, "form": spec.form, "where": str(where or "")})
    return rows


def subject_type_label(subject_type: str) -> str:
    return str(SUBJECT_TYPES.get(subject_type, subject_type))


def subject_url(subject_type: str, subject_id: str) -> str | None:
    name = SUBJECT_URLS.get(subject_type)
    if not name or not subject_id:
        return None
    if subject_type == "policy.clause":
        return _url(name, subject_id)
    return _url(name, int(subject_id)) if str(subject_id).isdigit() else None


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def evidence_value(value) -> str:
    """One evidence value as text: moments in local time, durations read out, lists joined."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, str):
        if _ISO_MOMENT.match(value):
            moment = parse_datetime(value)
            if moment is not None:
                moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
                return f"{moment:%Y-%m-%d %H:%M}"
        if value.startswith("P") and is_duration(value):
            d = Duration.parse(value)
            return f"{d.label()}({d.iso()})"
        return value
    if isinstance(value, list):
        return "、".join(evidence_value(v) for v in value) or "—"
    if isinstance(value, dict):
        return ",".join(f"{evidence_label(k)}:{evidence_value(v)}" for k, v in value.items())
    return str(value)


def evidence_label(key: str) -> str:
    return str(EVIDENCE_LABELS.get(key, key))


def evidence_items(evidence) -> list[tuple[str, str, str]]:
    """[(key, label, text)] of a finding's evidence (a JSON object)."""
    if not isinstance(evidence, dict):
        return [("", "", evidence_value(evidence))] if evidence not in (None, "", {}) else []
    return [(k, evidence_label(k), evidence_value(v)) for k, v in evidence.items()]
