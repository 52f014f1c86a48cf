"""现状描述: the status quo of one clause, written from what xinan records — its mechanisms, its
open findings and, for the clauses where a count says more than a list, the population checked
("共 N 个启用账号,其中 M 个……"). A clause xinan does not implement says so: 需人工评估.

``DESCRIBERS`` holds the clause-specific openings (p21.5.1.1, p21.5.1.2-a/b, p21.5.1.5-b/c/d);
every clause then gets the generic part (mechanisms, findings, attestation).
"""

from datetime import timedelta

from django.utils import timezone

from .. import catalogue, pack
from ..compliance import ClauseStatus
from ..explain import describe_ref
from ..models import Finding

LISTED = 5  # findings quoted in a description; the rest are counted


def _names(findings, total: int) -> str:
    shown = "、".join(f.subject_label for f in findings[:LISTED])
    return shown + (f" 等 {total} 个" if total > LISTED else "")


def _p21_5_1_1(status, findings) -> str:
    from xinan.org.models import Department

    n = Department.objects.filter(archived_at__isnull=True).count()
    return (f"系统登记了 {n} 个部门;尚无记录表明已设立信息安全领导机构和信息安全工作机构,"
            "本项需人工评估。")


def _p21_5_1_2_a(status, findings) -> str:
    from xinan.org.models import RoleAssignment

    holders = list(RoleAssignment.objects.filter(role__code="system_admin", status="active", person__status="active")
                   .values_list("person__name", flat=True))
    held = f"系统管理员角色现由 {'、'.join(holders)} 担任" if holders else "系统管理员角色目前无人担任"
    return f"{held};网络管理员、应用系统管理员与系统管理员尚未在系统中分设,是否专职需人工评估。"


def _p21_5_1_2_b(status, findings) -> str:
    from xinan.org.models import Post

    n = Post.objects.filter(archived_at__isnull=True).count()
    if not status.open_findings:
        return f"共 {n} 个在用岗位,均已填写岗位职责。"
    return f"共 {n} 个在用岗位,其中 {status.open_findings} 个未填写岗位职责:{_names(findings, status.open_findings)}。"


def _p21_5_1_5_b(status, findings) -> str:
    clause = catalogue.load().get("p21.5.1.5-b")
    user, admin = pack.param("p21.5.1.5-b", "user_length_gt"), pack.param("p21.5.1.5-b", "admin_length_gt")
    want_user, want_admin = clause.params.get("user_length_gt"), clause.params.get("admin_length_gt")
    text = (f"系统在设置口令时强制长度:普通用户口令须大于 {user} 个字符,管理员(含三员)口令须大于 {admin} 个字符"
            f"(本项要求分别大于 {want_user}、{want_admin} 个字符),不符合的口令不能设置。")
    if (want_user is not None and user < want_user) or (want_admin is not None and admin < want_admin):
        text += "当前设置低于本项要求。"
    return text


def _p21_5_1_5_c(status, findings) -> str:
    from xinan.identity.models import User

    n = User.objects.filter(is_active=True).exclude(person__status="left").count()
    max_age = pack.param("p21.5.1.5-c", "max_age")
    if not status.open_findings:
        return f"共 {n} 个启用账号,口令均在{max_age.label()}内更换过;每次更换均记入审计链(人员、时间)。"
    return (f"共 {n} 个启用账号,其中 {status.open_findings} 个账号口令超过{max_age.label()}未更换:"
            f"{_names(findings, status.open_findings)};"
            "每次更换均记入审计链(人员、时间)。")


def _p21_5_1_5_d(status, findings) -> str:
    from xinan.identity.models import User
    from xinan.org.models import Person

    lookback = pack.param("p21.5.1.5-d", "lookback")
    since = timezone.localdate() - timedelta(days=round(lookback.approx_days()))
    left = Person.objects.filter(status=Person.Status.LEFT, left_on__gte=since)
    enabled = User.objects.filter(is_active=True, person__in=left).count()
    tail = f",其中 {enabled} 人的账号仍未停用" if enabled else ",其账号均已停用"
    return (f"近{lookback.label()}内离职 {left.count()} 人{tail}(离职时系统自动停用账号);"
            "调岗后的账号与角色变更尚未在系统中记录,本项需人工评估。")


DESCRIBERS = {
    "p21.5.1.1": _p21_5_1_1,
    "p21.5.1.2-a": _p21_5_1_2_a,
    "p21.5.1.2-b": _p21_5_1_2_b,
    "p21.5.1.5-b": _p21_5_1_5_b,
    "p21.5.1.5-c": _p21_5_1_5_c,
    "p21.5.1.5-d": _p21_5_1_5_d,
}


def _readable(ref) -> str:
    """A mechanism for the report's Chinese prose: services by their function name (their
    docstrings are the developers' English), everything else by its label."""
    if ref.kind == "service":
        return f"{ref.kind_label}“{ref.name.rpartition('.')[2]}”"
    return f"{ref.kind_label}“{ref.label}”"


def _mechanisms(status: ClauseStatus) -> str:
    labels = [_readable(r) for r in map(describe_ref, status.by) if r.kind != "check"]
    return "、".join(labels[:4])


def _findings_text(findings, violations: int, warnings: int) -> str:
    """The open findings counted, and the first few of each severity quoted."""
    parts = []
    for severity, total, word in (("violation", violations, "违规"), ("warning", warnings, "警告")):
        if total:
            quoted = [f.message_zh for f in findings if f.severity == severity][:LISTED]
            parts.append(f"未消除的{word} {total} 项:" + ";".join(quoted) + ("……" if total > len(quoted) else ""))
    return "。".join(parts) + "。" if parts else ""


def describe(status: ClauseStatus, findings: list[Finding]) -> str:
    """现状描述 of one clause, given the first open findings of each severity (``LISTED`` each;
    the counts come from ``status``)."""
    special = DESCRIBERS.get(status.id)
    opening = special(status, findings) if special else ""
    if status.mechanism == "not_applicable":
        return f"本项不适用:{status.note}" if status.note else "本项不适用。"
    if status.mechanism == "missing":
        if opening:
            return opening
        if status.by:
            covered = _mechanisms(status) or "、".join(status.by)
            return f"系统已部分支撑本项({covered}),尚不能完整证明,本项需人工评估。"
        return "本项尚未在系统中实现,需人工评估。"
    if status.mechanism == "attestation":
        if status.attested_until:
            text = f"以合规声明为证:已有经批准的合规声明,有效期至 {status.attested_until:%Y-%m-%d}。"
        else:
            text = "以合规声明为证:尚无经批准且在有效期内的合规声明。"
        # the attestation check's own warning is what 待声明 already says
        return text + _findings_text(findings, status.violations, 0)
    if special:  # the clause's own describer already counts and names its findings
        return opening
    how = _mechanisms(status)
    text = f"系统通过{how}实现本项。" if how else ""
    return text + (_findings_text(findings, status.violations, status.warnings) if status.open_findings
                   else "经检查未发现问题。")
