"""``xinan generate``: a realistic organisation, deterministically, for benchmarks and load tests.

The bulk path writes exactly the rows and audit events the services would write (same actions,
same ``snapshot`` images, same job-change rows), in batches: ``bulk_create`` of the rows and one
``record_many`` per batch, inside ``audited_write``. It differs from calling the services one by
one only where that would make a 10,000-person organisation take hours: one Argon2 hash is
computed and shared by every generated account, and the events carry simulated times (``at``)
spread over ``months`` so the checks' time limits bite. Everything random comes from
``random.Random(seed)``; :func:`data_digest` proves two runs with one seed wrote the same data.

A controlled share (``rate``) of each kind of violation is planted so the checks have work:
posts without duties (p21.5.1.2-b), stale passwords (p02.3.2-a, p21.5.1.5-c, p04.3-a), people who
left with their account still enabled (p10.38-b), computers without a responsible person
(p01.2.1-b), workstations whose user is not the responsible person (p01.2.2-a), servers without
an administrator (p16.2.1-a), important assets without their impact (p21.3), departments
without a PC keeper (p15.7.15-a).

The operational records of the months are in ``generate_network`` (the IP plan: subnets, access
requests, allocations at setup; the DHCP lease import of the last day) and ``generate_assets``
(maintenance, repairs with technician visits and wipes, transfers with their confirmations,
storage media and loans), each with its own rates and planted kinds. Their rows are written in
their final state and their events merged, in time order, among the routine traffic (between
setup and 41 days before ``as_of``) or written between the departures and the last password
changes (29 to 11 days before it), so the chain reads in time order.
"""

import hashlib
import heapq
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db.models import Max
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.audit.services import audited_write, record_many, snapshot
from xinan.identity.models import PasswordHistory, User
from xinan.org.models import Department, JobChange, Person, Post, Role, RoleAssignment
from xinan.org.services import roles_sync_builtin

from .generate_ops import keep_times

REASON = "生成数据 / generated data"
BATCH = 2_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉玲红鹏飞丹宇浩然欣怡子轩梓涵俊博雨晨思远"
UNITS = ("业务", "客服", "运营", "市场", "财务", "人力", "信息技术", "安全", "法务", "物流", "仓储", "分拨", "营业")
KIND_WEIGHTS = (("desktop", 55), ("laptop", 20), ("printer", 8), ("server", 4), ("switch", 5), ("router", 2),
                ("firewall", 1), ("ups", 2), ("monitoring", 2), ("other", 1))


@dataclass
class Summary:
    counts: dict = field(default_factory=dict)
    planted: dict = field(default_factory=dict)
    events: int = 0
    first_seq: int = 0
    digest: str = ""


def _n(population: int, rate: float) -> int:
    """How many of ``population`` get a planted violation: ``rate`` of them, at least one."""
    return min(population, max(1, round(population * rate))) if population else 0


class _Clock:
    """Evenly spaced, increasing moments between ``start`` and ``end`` for ``n`` events."""

    def __init__(self, start: datetime, end: datetime, n: int):
        self.start, self.step, self.i = start, (end - start) / max(n, 1), 0

    def next(self) -> datetime:
        self.i += 1
        return self.start + self.step * self.i


class Generator:
    def __init__(self, *, people: int, departments: int, devices: int, audit_events: int, months: int = 12,
                 seed: int = 0, rate: float = 0.02, as_of: datetime | None = None, progress=None, **_ignored):
        self.people_n, self.dept_n, self.devices_n = people, max(1, departments), devices
        self.events_n, self.months, self.rate = audit_events, months, rate
        self.rng = random.Random(seed)
        self.as_of = as_of or timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        self.start = self.as_of - timedelta(days=30 * months)
        self.progress = progress or (lambda message: None)
        self.summary = Summary()

    # --- writing ------------------------------------------------------------------------

    def _write(self, model, rows, action: str, clock: _Clock, image=snapshot) -> list:
        """bulk_create the rows and append their create events, one transaction per batch. A
        row's ``auto_now_add`` times are its event's moment, as the service would have set them
        (a device registered at setup is not "registered today" for the checks of its age)."""
        stamped = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)]
        for i in range(0, len(rows), BATCH):
            chunk = rows[i:i + BATCH]
            moments = [clock.next() for _ in chunk]
            for row, at in zip(chunk, moments):
                for name in stamped:
                    setattr(row, name, at)
            with audited_write(), keep_times(model, *stamped):
                model.objects.bulk_create(chunk)
                record_many([dict(actor=None, action=action, subject=row, after=image(row), reason=REASON,
                                  at=at) for row, at in zip(chunk, moments)])
            self.summary.events += len(chunk)
        self.summary.counts[model._meta.label_lower] = self.summary.counts.get(model._meta.label_lower, 0) + len(rows)
        return rows

    def _events(self, entries: list[dict]) -> None:
        for i in range(0, len(entries), BATCH * 2):
            with audited_write():
                record_many(entries[i:i + BATCH * 2])
        self.summary.events += len(entries)

    # --- the organisation ---------------------------------------------------------------

    def run(self) -> Summary:
        previous = getattr(settings, "POLICY_REEVALUATE", True)
        settings.POLICY_REEVALUATE = False  # one ``xinan check`` afterwards, not one per batch
        try:
            roles_sync_builtin()
            self.summary.first_seq = (AuditEvent.objects.aggregate(m=Max("seq"))["m"] or 0) + 1
            self._build()
        finally:
            settings.POLICY_REEVALUATE = previous
        self.summary.digest = data_digest(self.summary.first_seq)
        return self.summary

    def _build(self) -> None:
        rng, setup_end = self.rng, self.start + timedelta(days=1)
        setup = _Clock(self.start, setup_end, 10 * (self.people_n + self.devices_n + self.dept_n) + 10)
        self.progress("departments, posts")
        depts = []
        for i in range(self.dept_n):
            parent = depts[rng.randrange(min(len(depts), 10))] if depts and i >= 10 else None
            d = Department(code=f"D{i + 1:04d}", name=f"{rng.choice(UNITS)}{i + 1}部", parent=parent)
            self._write(Department, [d], "org.department.create", setup)  # parents need their pk first
            depts.append(d)
        posts = [Post(code=f"P{i + 1:05d}", name=f"{d.name}{title}", department=d, duties=f"{title}岗位职责")
                 for i, (d, title) in enumerate((d, t) for d in depts for t in ("负责人", "主管", "专员"))]
        for post in rng.sample(posts, _n(len(posts), self.rate)):
            post.duties = ""
        self.summary.planted["p21.5.1.2-b"] = sum(1 for p in posts if not p.duties)
        self._write(Post, posts, "org.post.create", setup)
        by_dept = {d.pk: [p for p in posts if p.department_id == d.pk] for d in depts}

        self.progress("people, accounts, grants")
        people = []
        for i in range(self.people_n):
            d = depts[i % len(depts)] if i < len(depts) else rng.choice(depts)
            post = by_dept[d.pk][0 if i < len(depts) else rng.randrange(1, 3)]
            people.append(Person(employee_no=f"E{i + 1:06d}", name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                                 department=d, post=post, phone=f"1{rng.randrange(30, 90)}{rng.randrange(10**8):08d}",
                                 email=f"e{i + 1:06d}@example.cn", joined_on=(self.start - timedelta(days=rng.randrange(3000))).date()))
        self._write(Person, people, "org.person.create", setup)
        with keep_times(JobChange, "recorded_at"):
            JobChange.objects.bulk_create([JobChange(person=p, kind=JobChange.Kind.JOINED, effective_at=self.start,
                                                     to_department_id=p.department_id, to_post_id=p.post_id,
                                                     recorded_at=self.start) for p in people], batch_size=BATCH)
        shared_hash = make_password("Gen#" + "".join(rng.sample("abcdefghjkmnpqrstuvwxyz23456789", 12)))
        triad_people = {people[-1].pk, people[-2].pk, people[-3].pk}
        users = [User(username=f"u{p.employee_no.lower()}", person=p, password=shared_hash,
                      password_changed_at=self.start, must_change_password=True,
                      mfa_enabled=p.pk in triad_people)  # the 三员 enrolled their second factor (p27.2.12-b)
                 for p in people]
        self._write(User, users, "identity.account.create", setup)
        with keep_times(PasswordHistory, "created_at"):
            PasswordHistory.objects.bulk_create([PasswordHistory(user=u, password=shared_hash, created_at=self.start)
                                                 for u in users], batch_size=BATCH)
        roles = {r.code: r for r in Role.objects.all()}
        heads = people[:len(depts)]  # the first person of each department heads it
        triad = {"system_admin": people[-1], "security_admin": people[-2], "auditor": people[-3]}
        grants = [RoleAssignment(person=p, role=roles["department_head"], department_id=p.department_id,
                                 status="active", decided_at=setup_end) for p in heads]
        grants += [RoleAssignment(person=p, role=roles[code], triad=roles[code].triad, status="active",
                                  decided_at=setup_end) for code, p in triad.items()]
        grants += [RoleAssignment(person=p, role=roles["staff"], status="active", decided_at=setup_end) for p in people]
        self._write(RoleAssignment, grants, "org.role.grant_direct", setup)
        admins = {p.pk for p in triad.values()}  # the 三员 roles are the administrator roles

        devices, keepers = [], {}
        if apps.is_installed("xinan.assets") and self.devices_n:
            self.progress("equipment")
            devices, keepers = self._equipment(people, depts, setup)
            if apps.is_installed("xinan.network"):
                from . import generate_network

                self.progress("IP plan: subnets, access requests, allocations")
                generate_network.write(self, devices, setup)

        # Plan what happens later, so the filler knows how many events are left for it.
        protected = set(p.pk for p in heads) | set(p.pk for p in triad.values())
        leavers = rng.sample([p for p in people if p.pk not in protected], _n(len(people) - len(protected), self.rate * 1.5))
        still_enabled = set(p.pk for p in rng.sample(leavers, _n(len(leavers), 0.25)))
        self.summary.planted["p10.38-b"] = len(still_enabled)
        open_grants = {}
        for g in grants:
            open_grants.setdefault(g.person_id, []).append(g)
        leaver_ids = {p.pk for p in leavers}
        staying = [u for u in users if u.person_id not in leaver_ids]
        stale = set(u.pk for u in rng.sample([u for u in staying if u.person_id not in admins],
                                              _n(len(staying) - len(admins), self.rate)))
        stale.add(next(u.pk for u in users if u.person_id == triad["auditor"].pk))  # one administrator too (p04.3-a)
        self.summary.planted["p02.3.2-a"] = len(stale) - 1
        self.summary.planted["p04.3-a"] = 1
        later = sum(1 + len(open_grants.get(p.pk, [])) + (p.pk not in still_enabled) for p in leavers)
        later += len(staying) - len(stale)
        later += 1 if devices and apps.is_installed("xinan.network") else 0  # the DHCP lease import
        ops = []
        if devices:
            from .generate_assets import Operations

            self.progress("operational records of the months")
            ops = Operations(self, devices=devices, people=people, leavers=leaver_ids, keepers=keepers,
                             admin=triad["system_admin"], setup_end=setup_end, names={d.pk: d.name for d in depts})
            ops.run(self.events_n - self.summary.events - later, setup)
            ops = sorted(ops.entries, key=lambda e: e["at"])
        cut = self.as_of - timedelta(days=40)
        early, late = [e for e in ops if e["at"] < cut], [e for e in ops if e["at"] >= cut]
        filler = max(0, self.events_n - self.summary.events - later - len(ops))
        self.progress(f"{filler:,} routine events")
        self._filler(users, filler, _Clock(setup_end, cut, filler), early)
        self.progress("departures, password changes")
        self._departures(leavers, still_enabled, open_grants, _Clock(self.as_of - timedelta(days=40),
                                                                       self.as_of - timedelta(days=30), len(leavers)))
        self._events(late)
        self._password_changes([u for u in staying if u.pk not in stale],
                               _Clock(self.as_of - timedelta(days=10), self.as_of - timedelta(hours=1), len(staying)))
        if devices and apps.is_installed("xinan.network"):
            from . import generate_network

            generate_network.observe(self, self.as_of - timedelta(minutes=30))
        self.summary.counts["org.person.left"] = len(leavers)

    def _equipment(self, people, depts, clock) -> None:
        from xinan.assets.models import AssetKeeper, Equipment

        rng = self.rng
        kinds, weights = zip(*KIND_WEIGHTS)
        staff = {}
        for p in people:
            staff.setdefault(p.department_id, []).append(p)
        devices = []
        for i in range(self.devices_n):
            d = depts[i % len(depts)] if i < len(depts) else rng.choice(depts)
            kind = rng.choices(kinds, weights)[0]
            who = rng.choice(staff.get(d.pk) or people)
            n = 256 + (i // 254) * 256 + i % 254 + 1  # host parts 1–254: never a network or broadcast address
            devices.append(Equipment(
                asset_no=f"ZC{i + 1:07d}", kind=kind, department=d, brand_model=rng.choice(("联想 M720", "华为 2288H", "惠普 M404", "H3C S5130")),
                serial_no=f"SN{rng.randrange(16**10):010X}", hostname=f"{kind[:2].upper()}-{i + 1:06d}",
                location=f"{d.name}{rng.randrange(1, 30)}室", responsible=who,
                user=who if kind in ("desktop", "laptop", "printer") else None,
                administrator=who if kind == "server" else None,
                ip_address=f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}",
                mac_address="02-00-" + "-".join(f"{(n >> s) & 255:02X}" for s in (24, 16, 8, 0)),
                important=kind == "server", impact="业务中断" if kind == "server" else "",
                purchase_value=rng.randrange(2_000, 80_000)))
        computers = [e for e in devices if e.kind in ("desktop", "laptop", "server")]
        for e in rng.sample(computers, _n(len(computers), self.rate)):
            e.responsible = e.user = None
        stations = [e for e in devices if e.kind in ("desktop", "laptop", "printer") and e.responsible]
        for e in rng.sample(stations, _n(len(stations), self.rate)):
            e.user = rng.choice(people)
        servers = [e for e in devices if e.kind == "server"]
        for e in rng.sample(servers, _n(len(servers), self.rate * 2)):
            e.administrator = None
        for e in rng.sample(servers, _n(len(servers), self.rate * 2)):
            e.impact = ""
        self.summary.planted.update({"p01.2.1-b": sum(1 for e in computers if e.responsible is None),
                                     "p16.2.1-a": sum(1 for e in servers if e.administrator is None),
                                     "p21.3": sum(1 for e in servers if not e.impact)})
        self._write(Equipment, devices, "assets.equipment.create", clock)
        keepers = [AssetKeeper(department=d, person=staff[d.pk][0], appointed_on=self.start.date(), duties="计算机日常管理")
                   for d in depts if staff.get(d.pk)]
        missing = {id(k) for k in rng.sample(keepers, _n(len(keepers), self.rate))}
        keepers = [k for k in keepers if id(k) not in missing]
        self.summary.planted["p15.7.15-a"] = len(missing)
        self._write(AssetKeeper, keepers, "assets.assetkeeper.create", clock)
        return devices, {k.department_id: k.person for k in keepers}

    def _routine(self, users, count: int, clock: _Clock):
        rng = self.rng
        for _ in range(count):
            u = users[rng.randrange(len(users))]
            if rng.random() < 0.55:
                yield dict(actor=u, action="identity.login", subject=u, at=clock.next(),
                           before={"failed_logins": 0, "locked_until": None},
                           after={"ip": f"10.8.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                                  "mfa_enabled": u.mfa_enabled})
            else:
                yield dict(actor=u, action="identity.logout", subject=u, at=clock.next(),
                           after={"ip": f"10.8.{rng.randrange(256)}.{rng.randrange(1, 255)}"})

    def _filler(self, users, count: int, clock: _Clock, records=()) -> None:
        """Routine traffic: logins and logouts over the months (as ``identity.services`` records them),
        with the events of the operational records (already written rows) merged in time order."""
        chunk = []
        for entry in heapq.merge(self._routine(users, count, clock), records, key=lambda e: e["at"]):
            chunk.append(entry)
            if len(chunk) == BATCH * 5:
                self._events(chunk)
                chunk = []
        if chunk:
            self._events(chunk)

    def _departures(self, leavers, still_enabled, open_grants, clock: _Clock) -> None:
        """``person_depart`` (and ``on_person_departed``), except for the planted accounts left enabled."""
        entries, changes, revoked = [], [], []
        for p in leavers:
            at = clock.next()
            before = snapshot(p, ["status", "left_on"])
            p.status, p.left_on, p.status_changed_at = Person.Status.LEFT, timezone.localdate(at), at
            changes.append(JobChange(person=p, kind=JobChange.Kind.LEFT, effective_at=at, recorded_at=at,
                                     from_department_id=p.department_id, from_post_id=p.post_id, reason=REASON))
            entries.append(dict(actor=None, action="org.person.depart", subject=p, before=before,
                                after=snapshot(p, ["status", "left_on"]), reason=REASON, at=at))
            for g in open_grants.get(p.pk, []):
                g.status, g.revoked_at = RoleAssignment.Status.REVOKED, at
                revoked.append(g)
                entries.append(dict(actor=None, action="org.role.revoked", subject=g, before={"status": "active"},
                                    after={"status": "revoked"}, reason="人员离职 / person left", at=at))
            if p.pk not in still_enabled:
                entries.append(dict(actor=None, action="identity.account.deactivate",
                                    subject=("identity.user", p.account.pk, p.account.username),
                                    before={"is_active": True}, after={"is_active": False},
                                    reason="人员离职 / person left", at=at))
        with audited_write():
            with keep_times(JobChange, "recorded_at"):
                JobChange.objects.bulk_create(changes, batch_size=BATCH)
            Person.objects.bulk_update(leavers, ["status", "left_on", "status_changed_at"], batch_size=BATCH)
            RoleAssignment.objects.bulk_update(revoked, ["status", "revoked_at"], batch_size=BATCH)
            User.objects.filter(person__in=[p for p in leavers if p.pk not in still_enabled]).update(is_active=False)
            self._events(entries)

    def _password_changes(self, users, clock: _Clock) -> None:
        """``password_change`` by each holder within the last days (the stale ones never did)."""
        for i in range(0, len(users), BATCH):
            chunk, entries = users[i:i + BATCH], []
            for u in chunk:
                before = {"must_change_password": u.must_change_password, "password_changed_at": u.password_changed_at.isoformat()}
                u.password_changed_at, u.must_change_password = clock.next(), False
                entries.append(dict(actor=u, action="identity.password.change", subject=u, before=before, reason="",
                                    after={"must_change_password": False, "password_changed_at": u.password_changed_at.isoformat()},
                                    at=u.password_changed_at))
            with audited_write():
                User.objects.bulk_update(chunk, ["password_changed_at", "must_change_password"])
                with keep_times(PasswordHistory, "created_at"):
                    PasswordHistory.objects.bulk_create([PasswordHistory(user=u, password=u.password,
                                                                         created_at=u.password_changed_at) for u in chunk])
                self._events(entries)


def data_digest(first_seq: int = 1) -> str:
    """SHA-256 over the generated data by natural keys (not row ids, which differ between
    databases) and over the audit events from ``first_seq`` (action, subject, time, reason)."""
    h = hashlib.sha256()

    def feed(rows):
        for row in rows:
            h.update(json.dumps(row, default=str, ensure_ascii=False).encode())

    feed(Department.objects.order_by("code").values_list("code", "name", "parent__code"))
    feed(Post.objects.order_by("code").values_list("code", "name", "department__code", "duties"))
    feed(Person.objects.order_by("employee_no").values_list("employee_no", "name", "department__code", "post__code",
                                                            "status", "phone", "email", "joined_on", "left_on"))
    feed(User.objects.order_by("username").values_list("username", "person__employee_no", "is_active",
                                                      "password_changed_at", "mfa_enabled"))
    feed(RoleAssignment.objects.order_by("person__employee_no", "role__code").values_list(
        "person__employee_no", "role__code", "department__code", "status"))
    if apps.is_installed("xinan.assets"):
        from xinan.assets.models import Equipment

        feed(Equipment.objects.order_by("asset_no").values_list(
            "asset_no", "kind", "department__code", "responsible__employee_no", "user__employee_no",
            "administrator__employee_no", "ip_address", "mac_address", "important", "impact"))
        from . import generate_assets

        for rows in generate_assets.digest_rows():
            feed(rows)
    if apps.is_installed("xinan.network"):
        from . import generate_network

        for rows in generate_network.digest_rows():
            feed(rows)
    events = AuditEvent.objects.filter(seq__gte=first_seq).order_by("seq").values_list(
        "action", "subject_type", "subject_label", "actor_label", "at", "reason").iterator(chunk_size=20_000)
    feed(_without_row_ids(events))
    return h.hexdigest()


def _without_row_ids(events):
    """A model without its own ``__str__`` (a handover confirmation) is labelled by its row id,
    which PostgreSQL's sequences do not give back on a rollback: the digest leaves the id out."""
    for row in events:
        if row[2].endswith(")") and " object (" in row[2]:
            row = (*row[:2], row[2].split(" object (")[0], *row[3:])
        yield row


def generate(**options) -> Summary:
    return Generator(**options).run()
