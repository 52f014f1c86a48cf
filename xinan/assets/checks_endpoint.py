"""Checks of the endpoint observations (终端监测记录) against the registers. Set-based: each check is
a few queries with ``Exists``/``Subquery`` joins over the whole organisation; the Python after them
only shapes rows. The events considered are those observed within ``assets.endpoint.window``
before the moment evaluated; each finding names its device and the event (id, time) as evidence.

Times of day are the organisation's local time (``TIME_ZONE``); working hours are parameters.
A state the tool reports (``policy_state``) is ``key=value`` pairs separated by ``;``, e.g.
``install_restricted=yes;usb_storage=blocked``.
"""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinan.core import parameters
from xinan.identity.models import User
from xinan.org.models import Person
from xinan.policy.checks import check, parameter, shared
from xinan.policy.durations import Duration, IsoDuration

from .models import (EndpointEvent, EndpointException, Equipment, MaintenanceRecord, Repair, Software,
                     SoftwareInstallation, SoftwareRequest, StorageMedium)


class TimeOfDay(str):
    """Parameter kind for a time of day, ``HH:MM`` (validated on entry)."""

    def __new__(cls, raw):
        text = str(raw).strip()
        try:
            parsed = datetime.strptime(text, "%H:%M").time()
        except ValueError:
            raise ValidationError(_("时间应为 HH:MM / time of day must be HH:MM"))
        return super().__new__(cls, parsed.strftime("%H:%M"))


WINDOW = parameters.define("assets.endpoint.window", "P30D", _("终端监测:多久以内的监测记录参与检查"), kind=IsoDuration,
                           clauses=("p01.2.4.c", "p05.0.2.2", "p15.7.9", "p07.16-a", "p15.3.8-b", "p05.2.5-a"))
DAY_END = parameters.define("p01.2.4.c.working_day_end", "18:30", _("下班时间(此后计算机应已关机)"), kind=TimeOfDay,
                            clauses=("p01.2.4.c",))
NIGHT_START = parameters.define("p01.2.4.c.night_start", "22:00", _("夜间开始时间"), kind=TimeOfDay,
                                clauses=("p01.2.4.c",))
NIGHT_END = parameters.define("p01.2.4.c.night_end", "06:00", _("夜间结束时间"), kind=TimeOfDay, clauses=("p01.2.4.c",))
WORK_START = parameters.define("p05.0.2.2.working_day_start", "08:30", _("上班时间(周一至周五)"), kind=TimeOfDay,
                               clauses=("p05.0.2.2",))
WORK_END = parameters.define("p05.0.2.2.working_day_end", "18:00", _("下班时间(周一至周五)"), kind=TimeOfDay,
                             clauses=("p05.0.2.2",))
STAFF_POSTS = parameters.define(
    "assets.endpoint.machine_room_posts", "机房管理员,网络管理员",
    _("计算机网络中心机房工作人员的岗位(编码或名称,逗号分隔;系统管理员角色持有人亦是)"), kind=str,
    clauses=("p01.2.6-c", "p15.7.9"))
CHANGE_WITHIN = parameters.define("p07.16-a.within", "P7D", _("软硬件变更与其批准记录相隔的最长时间"), kind=IsoDuration,
                                  clauses=("p07.16-a",))
POLICY_MAX_AGE = parameters.define("p27.2.5-c.max_age", "P7D", _("重要计算机终端策略状态的最长报告间隔"),
                                   kind=IsoDuration, clauses=("p27.2.5-c", "p10.36.3-c"))

E = EndpointEvent
K = EndpointEvent.Kind
EQ = "assets.equipment"
SUBJECTS = ("assets.endpointimport", "assets.endpointevent", "assets.endpointexception", EQ, "core.parameter")
PERSONAL = (Equipment.Kind.DESKTOP, Equipment.Kind.LAPTOP)
IN_SERVICE = (Equipment.Status.IN_USE, Equipment.Status.SPARE)
APPROVED = (SoftwareRequest.Status.APPROVED, SoftwareRequest.Status.DONE)
WEEKDAYS = (2, 3, 4, 5, 6)  # Django's week_day: 1 = Sunday
CHECK_IDS = set()


def _tod(spec) -> time:
    return datetime.strptime(str(parameter(spec.key)), "%H:%M").time()


def _duration(spec) -> Duration:
    return Duration.parse(parameter(spec.key))


def _days(spec) -> timedelta:
    return timedelta(days=_duration(spec).approx_days())


def _events(ctx, *kinds):
    """The events of the window (of the changed devices only, in a check narrowed to ``EQ``)."""
    cutoff = _duration(WINDOW).before(ctx.as_of)
    return ctx.only(E.objects.filter(archived_at__isnull=True, kind__in=kinds, observed_at__gte=cutoff,
                                     observed_at__lte=ctx.as_of, device__archived_at__isnull=True), "device_id")


def _observed_kinds(ctx) -> frozenset:
    """The kinds of event the devices of a narrowed run reported in the window (one query)."""
    return frozenset(_events(ctx, *K.values).order_by().values_list("kind", flat=True).distinct())


def _none_observed(ctx, *kinds) -> bool:
    """A re-run narrowed to changed devices that reported none of these events in the window finds
    nothing: it skips building its joins (several ms of query construction per check). The kinds
    the devices reported are read once per run and shared by the endpoint checks (issue 5: one
    query instead of one per check)."""
    if ctx.ids is None:
        return False
    observed = shared(("assets.endpoint.kinds", ctx.as_of, ctx.ids), lambda: _observed_kinds(ctx))
    return observed.isdisjoint(kinds)


ROW = ("pk", "observed_at", "device_id", "device__asset_no", "account", "detail", "kind")


def _found(ctx, r, zh, en, **kw):
    evidence = {"event": r["pk"], "observed_at": timezone.localtime(r["observed_at"]), "kind": r["kind"],
                "account": r["account"], "detail": r["detail"]}
    return ctx.found((EQ, r["device_id"], r["device__asset_no"]), zh, en, since=r["observed_at"], evidence=evidence,
                     key=str(r["pk"]), **kw)


def _at(r) -> str:
    return f"{timezone.localtime(r['observed_at']):%Y-%m-%d %H:%M}"


def endpoint_check(clause, **kw):
    """Every endpoint finding names its device: a change of devices alone is re-evaluated for those
    devices only (``narrow=EQ``)."""
    kw.setdefault("subjects", SUBJECTS)
    kw.setdefault("narrow", EQ)

    def wrap(func):
        CHECK_IDS.add(kw.get("check_id") or clause)
        return check(clause, **kw)(func)

    return wrap


def _posts() -> list[str]:
    return [p.strip() for p in str(parameter(STAFF_POSTS.key)).replace(",", ",").split(",") if p.strip()]


def staff_people():
    """计算机网络中心机房工作人员: active holders of the system administrator's role, or people on
    a machine-room post (parameter ``assets.endpoint.machine_room_posts``)."""
    posts = _posts()
    return Person.objects.filter(status=Person.Status.ACTIVE).filter(
        Q(role_assignments__role__code="system_admin", role_assignments__status="active")
        | Q(post__code__in=posts) | Q(post__name__in=posts))


def _account_of(people) -> Exists:
    """The event's account names one of ``people`` (their login name or employee number)."""
    return Exists(User.objects.filter(person__in=people).filter(
        Q(username__iexact=OuterRef("account")) | Q(person__employee_no__iexact=OuterRef("account"))))


def _exception(kind, day="day", detail=False):
    qs = EndpointException.objects.filter(archived_at__isnull=True, kind=kind, equipment_id=OuterRef("device_id"),
                                          starts_on__lte=OuterRef(day), ends_on__gte=OuterRef(day))
    if detail:
        qs = qs.filter(Q(detail="") | Q(detail__iexact=OuterRef("detail")))
    return Exists(qs)


# --- power: p01.2.4.c --------------------------------------------------------------------------


@endpoint_check("p01.2.4.c", severity="violation", check_id="p01.2.4.c", narrow=EQ)
def computers_left_on(ctx):
    """下班关闭主机电源:计算机开机后当天下班前没有关机,或夜间仍在运行,且没有经批准的加班/夜间开机登记。"""
    if _none_observed(ctx, *[k for k in K.values if k != K.POWER_OFF]):  # what both queries below read
        return []
    end, night_start, night_end = _tod(DAY_END), _tod(NIGHT_START), _tod(NIGHT_END)
    now = timezone.localtime(ctx.as_of)
    last_day = now.date() if now.time() >= end else now.date() - timedelta(days=1)
    on = (_events(ctx, K.POWER_ON).filter(device__kind__in=PERSONAL).annotate(day=TruncDate("observed_at"))
          .filter(day__lte=last_day))
    off = E.objects.filter(archived_at__isnull=True, kind=K.POWER_OFF, device_id=OuterRef("device_id"),
                           observed_at__gt=OuterRef("observed_at"), observed_at__lte=ctx.as_of,
                           observed_at__date=OuterRef("day"), observed_at__time__lte=end)
    left_on = on.filter(~Exists(off)).filter(~_exception(EndpointException.Kind.AFTER_HOURS))
    findings = [_found(ctx, r, f"计算机 {r['device__asset_no']} {_at(r)} 开机后到下班({end:%H:%M})仍未关机,且无加班登记",
                       f"computer {r['device__asset_no']} powered on at {_at(r)} was not off by {end:%H:%M} "
                       "and no after-hours use was approved")
                for r in left_on.values(*ROW)]
    # The night of day D runs from night_start on D to night_end on D+1: shifting by night_end
    # hours puts both halves on D, the date an after-hours approval names.
    shift = timedelta(hours=night_end.hour, minutes=night_end.minute)
    at_night = (_events(ctx, *[k for k in K.values if k != K.POWER_OFF]).filter(device__kind__in=PERSONAL)
                .filter(Q(observed_at__time__gte=night_start) | Q(observed_at__time__lt=night_end))
                .annotate(day=TruncDate(ExpressionWrapper(F("observed_at") - shift, output_field=DateTimeField())))
                .filter(~_exception(EndpointException.Kind.AFTER_HOURS)))
    for r in at_night.values("device_id", "device__asset_no", "day").annotate(first=Min("observed_at"), event=Min("pk")):
        first = timezone.localtime(r["first"])
        findings.append(ctx.found(
            (EQ, r["device_id"], r["device__asset_no"]),
            f"计算机 {r['device__asset_no']} {r['day']} 夜间仍在运行(首次 {first:%m-%d %H:%M}),且无夜间开机登记",
            f"computer {r['device__asset_no']} was running in the night of {r['day']} (first seen {first:%m-%d %H:%M}) "
            "without an approved after-hours use", since=r["first"], key=f"night:{r['day']}",
            evidence={"event": r["event"], "observed_at": first, "night_of": r["day"]}))
    return findings


# --- disk formatting: p01.2.6-c ------------------------------------------------------------------


@endpoint_check("p01.2.6-c", severity="violation")
def disk_formatted_by_users(ctx):
    """禁止使用人员格式化硬盘:终端记录的硬盘格式化操作,其账号不是系统管理员或机房工作人员。"""
    if _none_observed(ctx, K.DISK_FORMAT):
        return []
    qs = _events(ctx, K.DISK_FORMAT).filter(~_account_of(staff_people()))
    return [_found(ctx, r, f"计算机 {r['device__asset_no']} 于 {_at(r)} 被账号 {r['account'] or '(未知)'} 格式化硬盘,该账号不是管理员",
                   f"disk of {r['device__asset_no']} formatted at {_at(r)} by {r['account'] or '(unknown)'}, "
                   "who is not an administrator")
            for r in qs.values(*ROW)]


# --- applications: p05.0.2.2, p15.5.9, p15.8.5-c -----------------------------------------------


def _apps(qs, ctx, zh_when, en_when):
    """Non-work catalogue software is a violation; software the catalogue lacks a warning."""
    findings = []
    for r in qs.filter(Q(software__usage=Software.Usage.NON_WORK) | Q(software__isnull=True)).values(
            *ROW, "software__usage"):
        unknown = r["software__usage"] is None
        findings.append(_found(
            ctx, r,
            f"计算机 {r['device__asset_no']} {zh_when}运行了{'软件目录中没有的程序' if unknown else '与工作无关的软件'} "
            f"{r['detail']}({_at(r)})",
            f"{r['device__asset_no']} ran {'an application not in the software catalogue' if unknown else 'non-work software'} "
            f"{r['detail']} {en_when} ({_at(r)})", severity="warning" if unknown else "violation"))
    return findings


@endpoint_check("p05.0.2.2", severity="violation", subjects=SUBJECTS + ("assets.software",))
def non_work_software_in_working_hours(ctx):
    """上班时间不得玩游戏、运行与工作无关的软件:工作日上班时间内运行了软件目录标为与工作无关的软件(违规)或目录中没有的程序(警告)。"""
    if _none_observed(ctx, K.APP_RUN):
        return []
    qs = _events(ctx, K.APP_RUN).filter(device__kind__in=PERSONAL, observed_at__week_day__in=WEEKDAYS,
                                        observed_at__time__gte=_tod(WORK_START), observed_at__time__lt=_tod(WORK_END))
    return _apps(qs, ctx, "上班时间", "during working hours")


@endpoint_check("p15.5.9", severity="violation", subjects=SUBJECTS + ("assets.software",))
def non_work_software(ctx):
    """不得在计算机上进行与工作无关的操作:计算机上运行了与工作无关的软件(违规)或软件目录中没有的程序(警告)。"""
    if _none_observed(ctx, K.APP_RUN):
        return []
    qs = _events(ctx, K.APP_RUN).filter(device__kind__in=Equipment.COMPUTERS)
    return _apps(qs, ctx, "", "")


@endpoint_check("p15.8.5-c", severity="violation", subjects=SUBJECTS + ("assets.software",))
def monitoring_computers_misused(ctx):
    """严禁在监控计算机上做与监控无关的事情:监控设备上运行了监控软件、操作系统和杀毒软件以外的程序。"""
    if _none_observed(ctx, K.APP_RUN):
        return []
    allowed = Q(software__usage=Software.Usage.MONITORING) | Q(
        software__category__in=(Software.Category.OS, Software.Category.ANTIVIRUS))
    qs = _events(ctx, K.APP_RUN).filter(device__kind=Equipment.Kind.MONITORING).exclude(allowed)
    return [_found(ctx, r, f"监控计算机 {r['device__asset_no']} 于 {_at(r)} 运行了与监控无关的程序 {r['detail']}",
                   f"monitoring computer {r['device__asset_no']} ran {r['detail']}, not monitoring software, at {_at(r)}")
            for r in qs.values(*ROW)]


# --- hardware: p15.7.9 ---------------------------------------------------------------------------


def _staff_work(day="day"):
    """Maintenance by machine-room staff on that day, or a repair open on that day (repairs are
    diagnosed and handled by the administrator, p01.7)."""
    maintained = MaintenanceRecord.objects.filter(archived_at__isnull=True, equipment_id=OuterRef("device_id"),
                                                  performed_on=OuterRef(day), performed_by__in=staff_people())
    repaired = Repair.objects.filter(archived_at__isnull=True, equipment_id=OuterRef("device_id"),
                                     reported_at__date__lte=OuterRef(day)).exclude(status=Repair.Status.CANCELLED).filter(
        Q(completed_at__isnull=True) | Q(completed_at__date__gte=OuterRef(day)))
    return Exists(maintained) | Exists(repaired)


@endpoint_check("p15.7.9", severity="violation", subjects=SUBJECTS + ("assets.maintenancerecord", "assets.repair",
                                                                      "org.person"), narrow=EQ)
def unapproved_hardware_access(ctx):
    """除机房工作人员外任何人不得拆装计算机或擅自接入其它设备:机箱被打开或接入外设,当天没有机房人员的维护或维修记录,外设也没有批准登记。"""
    if _none_observed(ctx, K.CHASSIS_OPENED, K.PERIPHERAL_CONNECTED):
        return []
    qs = (_events(ctx, K.CHASSIS_OPENED, K.PERIPHERAL_CONNECTED).annotate(day=TruncDate("observed_at"))
          .filter(~_staff_work())
          .filter(Q(kind=K.CHASSIS_OPENED) | ~_exception(EndpointException.Kind.PERIPHERAL, detail=True)))
    findings = []
    for r in qs.values(*ROW):
        if r["kind"] == K.CHASSIS_OPENED:
            zh = f"计算机 {r['device__asset_no']} 机箱于 {_at(r)} 被打开,当天没有机房人员的维护或维修记录"
            en = f"chassis of {r['device__asset_no']} opened at {_at(r)} without maintenance or repair by machine-room staff"
        else:
            zh = f"计算机 {r['device__asset_no']} 于 {_at(r)} 擅自接入外设 {r['detail']}"
            en = f"{r['device__asset_no']}: peripheral {r['detail']} connected at {_at(r)} without approval"
        findings.append(_found(ctx, r, zh, en))
    return findings


# --- changes: p07.16-a, p27.2.5-c ----------------------------------------------------------------


@endpoint_check("p07.16-a", severity="violation", subjects=SUBJECTS + (
        "assets.softwarerequest", "assets.softwareinstallation", "assets.repair", "assets.maintenancerecord"), narrow=EQ)
def unapproved_changes(ctx):
    """不得擅自安装、拆卸或替换计算机软硬件:终端记录的软件安装、卸载或硬件变更,前后时限内没有批准的申请、安装登记、维修或维护记录。"""
    if _none_observed(ctx, K.SOFTWARE_INSTALLED, K.SOFTWARE_REMOVED, K.HARDWARE_CHANGED):
        return []
    within = _days(CHANGE_WITHIN)
    qs = _events(ctx, K.SOFTWARE_INSTALLED, K.SOFTWARE_REMOVED, K.HARDWARE_CHANGED).annotate(
        lo=ExpressionWrapper(F("observed_at") - within, output_field=DateTimeField()),
        hi=ExpressionWrapper(F("observed_at") + within, output_field=DateTimeField()))
    qs = qs.annotate(lo_day=TruncDate("lo"), hi_day=TruncDate("hi"))
    request = SoftwareRequest.objects.filter(archived_at__isnull=True, equipment_id=OuterRef("device_id"),
                                             software_id=OuterRef("software_id"), status__in=APPROVED,
                                             checked_at__gte=OuterRef("lo"), checked_at__lte=OuterRef("hi"))
    inventory = SoftwareInstallation.objects.filter(archived_at__isnull=True, equipment_id=OuterRef("device_id"),
                                                    software_id=OuterRef("software_id"))
    installed = Exists(request.filter(action=SoftwareRequest.Action.INSTALL)) | Exists(
        inventory.filter(basis=SoftwareInstallation.Basis.STANDARD))
    removed = Exists(request.filter(action=SoftwareRequest.Action.UNINSTALL)) | Exists(
        inventory.filter(removed_at__gte=OuterRef("lo"), removed_at__lte=OuterRef("hi")))
    repaired = Exists(Repair.objects.filter(archived_at__isnull=True, equipment_id=OuterRef("device_id"),
                                            reported_at__lte=OuterRef("hi")).exclude(status=Repair.Status.CANCELLED)
                      .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=OuterRef("lo"))))
    maintained = Exists(MaintenanceRecord.objects.filter(archived_at__isnull=True, equipment_id=OuterRef("device_id"),
                                                         performed_on__gte=OuterRef("lo_day"),
                                                         performed_on__lte=OuterRef("hi_day")))
    qs = qs.exclude(Q(kind=K.SOFTWARE_INSTALLED) & installed).exclude(Q(kind=K.SOFTWARE_REMOVED) & removed).exclude(
        Q(kind=K.HARDWARE_CHANGED) & (repaired | maintained))
    what = {K.SOFTWARE_INSTALLED: ("安装了软件", "software installed"), K.SOFTWARE_REMOVED: ("卸载了软件", "software removed"),
            K.HARDWARE_CHANGED: ("更换了硬件", "hardware changed")}
    return [_found(ctx, r, f"计算机 {r['device__asset_no']} 于 {_at(r)} {what[r['kind']][0]} {r['detail']},没有批准记录",
                   f"{r['device__asset_no']}: {what[r['kind']][1]} ({r['detail']}) at {_at(r)} without an approved record")
            for r in qs.values(*ROW)]


def _latest_policy(ctx, spec):
    cutoff = _duration(spec).before(ctx.as_of)
    return Subquery(E.objects.filter(archived_at__isnull=True, kind=K.POLICY_STATE, device_id=OuterRef("pk"),
                                     observed_at__gte=cutoff, observed_at__lte=ctx.as_of)
                    .order_by("-observed_at", "-pk").values("detail")[:1])


def _policy_has(text: str, setting: str) -> bool:
    pairs = {p.split("=", 1)[0].strip().lower(): p.split("=", 1)[1].strip().lower()
             for p in (text or "").replace(",", ";").split(";") if "=" in p}
    key, value = setting.split("=")
    return pairs.get(key) == value


@endpoint_check("p27.2.5-c", severity="violation", subjects=SUBJECTS, narrow=EQ)
def important_computers_without_install_control(ctx):
    """重要计算机用技术手段防止擅自安装卸载软件:服务器、涉密或重要计算机最近的终端策略没有启用安装限制(install_restricted=yes),或期限内没有策略报告。"""
    important = Q(kind=Equipment.Kind.SERVER) | Q(kind__in=Equipment.COMPUTERS, classification__gt=0) | Q(
        kind__in=Equipment.COMPUTERS, important=True)
    qs = ctx.only(Equipment.objects.filter(archived_at__isnull=True, status=Equipment.Status.IN_USE).filter(important)
                  ).annotate(policy=_latest_policy(ctx, POLICY_MAX_AGE))
    findings = []
    for r in qs.values("pk", "asset_no", "policy"):
        if r["policy"] is not None and _policy_has(r["policy"], "install_restricted=yes"):
            continue
        zh = (f"重要计算机 {r['asset_no']} 期限内没有终端策略报告" if r["policy"] is None
              else f"重要计算机 {r['asset_no']} 的终端策略未限制安装软件({r['policy']})")
        en = (f"important computer {r['asset_no']} reported no endpoint policy in time" if r["policy"] is None
              else f"important computer {r['asset_no']} does not restrict installs ({r['policy']})")
        findings.append(ctx.found((EQ, r["pk"], r["asset_no"]), zh, en, evidence={"policy_state": r["policy"]}))
    return findings


# --- media and ports: p15.2.8-c, p10.36.3-c ------------------------------------------------------


@endpoint_check("p15.2.8-c", severity="violation", subjects=SUBJECTS + ("assets.storagemedium", "assets.softwarerequest"))
def unapproved_media_in_servers(ctx):
    """未经允许严禁外来盘片对服务器进行安装:插入服务器的介质不是已登记的介质,或未批准用于该服务器(装于该服务器、备份介质或批准的安装申请所用介质)。"""
    if _none_observed(ctx, K.MEDIUM_INSERTED):
        return []
    request = SoftwareRequest.objects.filter(archived_at__isnull=True, equipment_id=OuterRef(OuterRef("device_id")),
                                             source_medium_id=OuterRef("pk"), status__in=APPROVED)
    medium = (StorageMedium.objects.filter(archived_at__isnull=True).exclude(status=StorageMedium.Status.DESTROYED)
              .filter(Q(label_no__iexact=OuterRef("detail")) | Q(serial_no__iexact=OuterRef("detail"), serial_no__gt=""))
              .filter(Q(installed_in_id=OuterRef("device_id")) | Q(is_backup=True) | Exists(request)))
    qs = _events(ctx, K.MEDIUM_INSERTED).filter(device__kind=Equipment.Kind.SERVER).filter(~Exists(medium))
    return [_found(ctx, r, f"服务器 {r['device__asset_no']} 于 {_at(r)} 插入了未登记或未批准的介质 {r['detail'] or '(无标签)'}",
                   f"server {r['device__asset_no']}: unregistered or unapproved medium {r['detail']} inserted at {_at(r)}")
            for r in qs.values(*ROW)]


@endpoint_check("p10.36.3-c", severity="violation", subjects=SUBJECTS, narrow=EQ)
def customer_data_devices_with_open_ports(ctx):
    """限制设备输出接口的使用:处理客户信息的设备最近的终端策略未禁用 USB 存储(usb_storage=blocked),或期限内无策略报告,且没有批准的例外。"""
    today = timezone.localtime(ctx.as_of).date()
    excepted = EndpointException.objects.filter(archived_at__isnull=True, kind=EndpointException.Kind.USB_STORAGE,
                                                equipment_id=OuterRef("pk"), starts_on__lte=today, ends_on__gte=today)
    qs = (ctx.only(Equipment.objects.filter(archived_at__isnull=True, status=Equipment.Status.IN_USE,
                                            handles_customer_data=True))
          .filter(~Exists(excepted)).annotate(policy=_latest_policy(ctx, POLICY_MAX_AGE)))
    findings = []
    for r in qs.values("pk", "asset_no", "policy"):
        if r["policy"] is not None and _policy_has(r["policy"], "usb_storage=blocked"):
            continue
        zh = (f"处理客户信息的设备 {r['asset_no']} 期限内没有终端策略报告" if r["policy"] is None
              else f"处理客户信息的设备 {r['asset_no']} 未禁用 USB 存储({r['policy']})")
        en = (f"customer-data device {r['asset_no']} reported no endpoint policy in time" if r["policy"] is None
              else f"customer-data device {r['asset_no']} does not block USB storage ({r['policy']})")
        findings.append(ctx.found((EQ, r["pk"], r["asset_no"]), zh, en, evidence={"policy_state": r["policy"]}))
    return findings


# --- classified computers and files: p15.3.8-b, p15.3.11-c, p05.2.5-a, p05.0.3.1-b, p15.3.7-a ------


@endpoint_check("p15.3.8-b", severity="violation", check_id="p15.3.8-b.endpoint",
                subjects=SUBJECTS + ("identity.user",))
def classified_computers_shared(ctx):
    """涉密计算机专人专用:涉密计算机上有指定使用人以外的账号登录。"""
    if _none_observed(ctx, K.LOGIN):
        return []
    own = Exists(User.objects.filter(person_id=OuterRef("device__user_id")).filter(
        Q(username__iexact=OuterRef("account")) | Q(person__employee_no__iexact=OuterRef("account"))))
    qs = _events(ctx, K.LOGIN).filter(device__kind__in=PERSONAL, device__classification__gt=0).filter(~own)
    return [_found(ctx, r, f"涉密计算机 {r['device__asset_no']} 于 {_at(r)} 由非指定使用人的账号 {r['account']} 登录",
                   f"classified computer {r['device__asset_no']}: login by {r['account']}, not its designated user, "
                   f"at {_at(r)}")
            for r in qs.values(*ROW)]


def _files(ctx, **device):
    return _events(ctx, K.FILE_FOUND).filter(**{f"device__{k}": v for k, v in device.items()})


@endpoint_check("p15.3.11-c", severity="violation", check_id="p15.3.11-c.endpoint")
def classified_files_on_laptops(ctx):
    """不得在便携式计算机上存储涉密信息:扫描在便携式计算机上发现标为涉密的文件。"""
    if _none_observed(ctx, K.FILE_FOUND):
        return []
    qs = _files(ctx, kind=Equipment.Kind.LAPTOP).filter(tag__in=E.CLASSIFIED_TAGS)
    return [_found(ctx, r, f"便携式计算机 {r['device__asset_no']} 上发现涉密文件 {r['detail']}({_at(r)})",
                   f"classified file {r['detail']} found on laptop {r['device__asset_no']} ({_at(r)})")
            for r in qs.values(*ROW)]


@endpoint_check("p05.2.5-a", severity="violation")
def classified_files_on_personal_computers(ctx):
    """涉密文件不可放置个人计算机中:扫描在非涉密的台式或便携式计算机上发现标为涉密的文件。"""
    if _none_observed(ctx, K.FILE_FOUND):
        return []
    qs = _files(ctx, kind__in=PERSONAL, classification=0).filter(tag__in=E.CLASSIFIED_TAGS)
    return [_found(ctx, r, f"非涉密计算机 {r['device__asset_no']} 上发现涉密文件 {r['detail']}({_at(r)})",
                   f"classified file {r['detail']} found on non-classified computer {r['device__asset_no']} ({_at(r)})")
            for r in qs.values(*ROW)]


@endpoint_check("p05.0.3.1-b", severity="violation")
def unencrypted_important_files_online(ctx):
    """未经加密的重要文件不能存放在与国际联网的计算机上:扫描在联网计算机上发现未加密(或未报告已加密)的重要文件。"""
    if _none_observed(ctx, K.FILE_FOUND):
        return []
    qs = _files(ctx, internet_access=True).filter(tag=E.Tag.IMPORTANT).exclude(encrypted=True)
    return [_found(ctx, r, f"联网计算机 {r['device__asset_no']} 上有未加密的重要文件 {r['detail']}({_at(r)})",
                   f"unencrypted important file {r['detail']} on internet-connected {r['device__asset_no']} ({_at(r)})")
            for r in qs.values(*ROW)]


@endpoint_check("p15.3.7-a", severity="violation")
def classified_files_online(ctx):
    """涉密信息和数据不得在与公用网络联网的计算机信息系统中存储:扫描在联网的计算机上发现标为涉密的文件。"""
    if _none_observed(ctx, K.FILE_FOUND):
        return []
    qs = _files(ctx, internet_access=True).filter(tag__in=E.CLASSIFIED_TAGS)
    return [_found(ctx, r, f"联网计算机 {r['device__asset_no']} 上发现涉密文件 {r['detail']}({_at(r)})",
                   f"classified file {r['detail']} found on internet-connected {r['device__asset_no']} ({_at(r)})")
            for r in qs.values(*ROW)]
