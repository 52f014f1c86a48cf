"""Twelve months of the equipment's operational records, as the assets services write them
(actor ``None``: records the system keeps run no workflow; their approvals are the step services'):

- 维护记录 (p01.5.1.e, p15.7.15-b): a routine maintenance of every computer each month and a
  cleaning of every department each month, by the department's PC keeper (or the system
  administrator where a department has none) — ``maintenance_create``; as many months back as the
  event budget allows (up to 40 % of it; all 12 on the small and large presets);
- 电脑维修记录 (p01.2.3-a/b, p14.7-c, p02.1.2-a, p17.6.5): 6 % of the workstations and computers a
  year: ``repair_report`` → ``repair_diagnose`` → ``repair_complete`` (on site; a fifth of them by an
  outside technician under a supervisor, with the 外来人员维修登记 ``technician_visit_create``), or,
  one in ten, ``repair_request_external`` → ``repair_approve_external`` → ``sanitisation_create``
  (backed up and wiped, witnessed) → ``repair_dispatch`` → ``repair_return``; the device's status
  events (``assets.equipment.status``) at each move;
- 调用记录单 (p01.2.7.a/b): 3 % of the workstations a year, between departments that have a PC
  keeper: ``transfer_request`` → ``transfer_approve`` → ``transfer_execute`` (the device moves, its
  change of responsible person is filed) → ``transfer_file``;
- 存储介质 and 借用 (p10.36.3-a/b, p05.0.3.3): a U disk for every fourth person and a backup tape
  per department (``medium_create`` with its label), each lent 0–3 times (``medium_lend`` →
  ``medium_return``).

Planted (``rate`` of each population): repairs sent out without a backup-and-wipe record (p14.7-c,
p17.6.5), outside technicians without a supervisor or a visit record (p02.1.2-a, p17.6.5),
transfers executed without an approval (p01.2.7.b-b), media without a custodian (p10.36.3-a,
p05.0.3.3), loans not returned after their due date (p10.36.3-b), the latest month's maintenance of
a computer or cleaning of a department missed (p01.5.1.e, p15.7.15-b).
"""

from datetime import timedelta

from django.utils import timezone

from xinan.assets.models import (Equipment, HandoverConfirmation, MaintenanceRecord, MediumLabel, MediumLoan, Repair, ResponsibleChange,
                                 Sanitisation, StorageMedium, TechnicianVisit, Transfer)

from .generate_ops import Bands, Numbers, bulk, event, image

H = timedelta(hours=1)
D = timedelta(days=1)
VENDORS = ("联想服务站", "华为授权维修中心", "惠普售后", "本地电脑维修部")
FAULTS = ("无法开机", "蓝屏死机", "硬盘异响", "键盘失灵", "打印卡纸", "网络不通", "显示器花屏")


def _n(population: int, rate: float) -> int:
    return min(population, max(1, round(population * rate))) if population else 0


class Operations:
    def __init__(self, gen, *, devices, people, leavers, keepers, admin, setup_end, names):
        self.gen, self.rng, self.summary, self.names, self.leavers = gen, gen.rng, gen.summary, names, leavers
        self.devices, self.people, self.keepers, self.admin = devices, people, keepers, admin
        self.active = [p for p in people if p.pk not in leavers]
        self.staff = {}
        for p in self.active:
            self.staff.setdefault(p.department_id, []).append(p)
        self.bands = Bands(self.rng, setup_end, gen.as_of)
        self.numbers = Numbers()
        self.entries = []
        self.moved = {}  # equipment pk -> (moment, department id) of its transfer

    def _dept_at(self, e, at):
        moved = self.moved.get(e.pk)
        return moved[1] if moved and at >= moved[0] else self._home[e.pk]

    def _maintainer(self, department_id):
        return self.keepers.get(department_id) or self.admin

    # --- the plan ------------------------------------------------------------------------

    def run(self, budget: int, setup_clock) -> int:
        self._home = {e.pk: e.department_id for e in self.devices}
        usable = [e for e in self.devices if e.responsible_id and e.user_id == e.responsible_id]
        first = {e.pk for e in self.devices[:self.gen.dept_n]}  # the devices each department's cleaning names
        keeper_depts = set(self.keepers)
        movable = [e for e in usable if e.kind in Equipment.WORKSTATIONS and e.pk not in first
                   and e.department_id in keeper_depts and e.responsible_id not in self.leavers]
        transfers = self.rng.sample(movable, min(len(movable), round(len(self.devices) * 0.03 * self.gen.months / 12)))
        taken = {e.pk for e in transfers}
        fixable = [e for e in usable if e.kind in (*Equipment.COMPUTERS, Equipment.Kind.PRINTER) and e.pk not in taken]
        repairs = self.rng.sample(fixable, min(len(fixable), round(len(self.devices) * 0.06 * self.gen.months / 12)))
        self._transfers(transfers, keeper_depts)
        self._repairs(repairs)
        self._media(setup_clock)
        months = self._maintenance_months(budget - len(self.entries))
        self._maintenance(months, settled=taken | {e.pk for e in repairs})
        self.summary.counts["maintenance_months"] = months
        return months

    def _maintenance_months(self, left: int) -> int:
        computers = sum(1 for e in self.devices if e.kind in Equipment.COMPUTERS) + self.gen.dept_n
        return max(0, min(self.gen.months, int(left * 0.4) // max(computers, 1)))

    # --- 调用记录单 ------------------------------------------------------------------------

    def _transfers(self, devices, keeper_depts) -> None:
        depts = sorted(d for d in keeper_depts if self.staff.get(d))
        plant = set(id(e) for e in self.rng.sample(devices, _n(len(devices), self.gen.rate))) if devices else set()
        rows, changes, updated = [], [], []
        for e in devices:
            t1 = self.bands.start(6 * D)
            to_dept = self.rng.choice([d for d in depts if d != e.department_id] or depts)
            to_person = self.rng.choice(self.staff[to_dept])
            t2, t3, t4 = t1 + self.rng.uniform(2, 30) * H, t1 + 3 * D, t1 + 5 * D
            bare = id(e) in plant
            tr = Transfer(equipment=e, department_id=e.department_id, from_responsible_id=e.responsible_id,
                          from_location=e.location, to_department_id=to_dept, to_responsible=to_person,
                          to_location=f"{self.names[to_dept]}{self.rng.randrange(1, 30)}室", purpose="工作需要调配",
                          status=Transfer.Status.FILED, requested_at=t1, approved_at=None if bare else t2,
                          executed_at=t3, filed_at=t4)
            before_eq = image(e, ["department", "responsible", "user", "location"])
            from_person = e.responsible_id
            e.department_id, e.location = to_dept, tr.to_location
            e.responsible_id = e.user_id = to_person.pk
            after_eq = image(e, ["department", "responsible", "user", "location"])
            self.moved[e.pk] = (t3, to_dept)
            rows.append((tr, before_eq, after_eq))
            changes.append(ResponsibleChange(equipment=e, department_id=to_dept, from_person_id=from_person,
                                             to_person=to_person, changed_at=t3, filed_at=t3))
            updated.append(e)
        order = sorted(range(len(rows)), key=lambda i: rows[i][0].requested_at)
        for i in order:
            rows[i][0].number = self.numbers.next("DY", rows[i][0].requested_at)
        for c in sorted(changes, key=lambda c: c.filed_at):
            c.number = self.numbers.next("BA", c.filed_at)
        bulk(Transfer, [r[0] for r in rows], self.summary)
        for c, (tr, _b, _a) in zip(changes, rows):
            c.explanation = f"调用记录单 {tr.number}"
        bulk(ResponsibleChange, changes, self.summary)
        Equipment.objects.bulk_update(updated, ["department", "location", "responsible", "user"], batch_size=2_000)
        S = Transfer.Status
        for (tr, before_eq, after_eq), c in zip(rows, changes):
            blank = dict(approved_at=None, executed_at=None, filed_at=None)
            self.entries.append(event("assets.transfer.create", tr, tr.requested_at,
                                      after=image(tr, status=S.REQUESTED, **blank)))
            if tr.approved_at:
                self.entries.append(event("assets.transfer.approve", tr, tr.approved_at, before={"status": S.REQUESTED},
                                          after=image(tr, ["status", "approved_by", "approved_at", "decision_note"],
                                                      status=S.APPROVED)))
            self.entries.append(event("assets.equipment.transfer", tr.equipment, tr.executed_at, before=before_eq,
                                      after=after_eq, reason=tr.number))
            self.entries.append(event("assets.responsiblechange.create", c, tr.executed_at, after=image(c),
                                      reason=c.explanation))
            self.entries.append(event("assets.transfer.execute", tr, tr.executed_at,
                                      before={"status": S.APPROVED if tr.approved_at else S.REQUESTED},
                                      after=image(tr, ["status", "executed_by", "executed_at"], status=S.EXECUTED)))
            self.entries.append(event("assets.transfer.file", tr, tr.filed_at, before={"status": S.EXECUTED},
                                      after=image(tr, ["status", "filed_by", "filed_at"])))
        self.summary.planted["p01.2.7.b-b"] = len(plant)
        self._confirmations([r[0] for r in rows])

    def _confirmations(self, transfers) -> None:
        """交接确认 (p15.7.2-b): both parties confirm within two days of the execution, as themselves
        (``handover_confirm``); planted: ``rate`` × 5 of the transfers never confirmed by the receiver."""
        person = {p.pk: p for p in self.people}
        silent = {id(t) for t in self.rng.sample(transfers, _n(len(transfers), self.gen.rate * 5))} if transfers else set()
        rows = []
        for t in transfers:
            for party, pid in ((HandoverConfirmation.Party.GIVER, t.from_responsible_id),
                               (HandoverConfirmation.Party.RECEIVER, t.to_responsible_id)):
                if pid is None or (party == HandoverConfirmation.Party.RECEIVER and id(t) in silent):
                    continue
                rows.append(HandoverConfirmation(transfer=t, party=party, person_id=pid, user=person[pid].account,
                                                 confirmed_at=t.executed_at + self.rng.uniform(1, 40) * H))
        bulk(HandoverConfirmation, rows, self.summary)
        self.entries += [dict(event("assets.handover.confirm", c, c.confirmed_at, after=image(c)), actor=c.user)
                         for c in rows]
        self.summary.planted["p15.7.2-b"] = len(silent)

    # --- 电脑维修记录 ------------------------------------------------------------------------

    def _repairs(self, devices) -> None:
        rng, R = self.rng, Repair.Status
        sent, on_site = devices[:len(devices) // 10], devices[len(devices) // 10:]
        technician = on_site[:len(on_site) // 5]
        external, visited = {id(e) for e in sent}, {id(e) for e in technician}
        unwiped = {id(e) for e in rng.sample(sent, _n(len(sent), self.gen.rate * 5))}
        unsupervised = {id(e) for e in rng.sample(technician, _n(len(technician), self.gen.rate * 5))}
        plans = []
        for e in devices:
            t1 = self.bands.start(12 * D)
            dept = self._dept_at(e, t1)
            keeper = self._maintainer(dept)
            reporter = keeper.pk if e.responsible_id in self.leavers else e.responsible_id
            r = Repair(equipment=e, department_id=dept, reported_by_id=reporter, reported_at=t1,
                       fault=rng.choice(FAULTS), status=R.COMPLETED, diagnosed_at=t1 + 2 * H,
                       cause=rng.choice((Repair.Cause.HARDWARE, Repair.Cause.SOFTWARE, Repair.Cause.OTHER)),
                       diagnosis="经检查确认故障原因", measures="按规范使用设备", restored=True)
            plan = dict(repair=r, keeper=keeper, sanitisation=None, visit=None)
            if id(e) in external:
                r.external, r.vendor = True, rng.choice(VENDORS)
                r.approved_at, r.sent_at = t1 + 26 * H, t1 + 2 * D
                r.returned_at = r.completed_at = t1 + 9 * D
                r.virus_scan, r.work_done, r.parts_replaced = "未发现病毒", f"送外修复({r.vendor})", "主板"
                if id(e) not in unwiped:
                    witness = next((p for p in self.staff.get(dept, []) if p.pk != keeper.pk), self.admin)
                    plan["sanitisation"] = Sanitisation(
                        purpose=Sanitisation.Purpose.REPAIR, equipment=e, department_id=dept, backed_up=True,
                        backup_location="信息技术部备份服务器", method=Sanitisation.Method.WIPE,
                        performed_at=t1 + 40 * H, performed_by=keeper, witness=witness if witness != keeper else self.admin)
            else:
                r.completed_at = t1 + rng.uniform(4, 48) * H
                r.work_done = "更换故障部件并测试" if rng.random() < 0.5 else "重装系统并恢复数据"
                if id(e) in visited:
                    r.technician = f"{rng.choice(VENDORS)}工程师"
                    if id(e) not in unsupervised:
                        r.supervisor = keeper
                        plan["visit"] = TechnicianVisit(
                            equipment=e, repair=r, department_id=dept, technician=r.technician, company="维修服务商",
                            visited_at=r.completed_at - H, supervisor=keeper,
                            protection=TechnicianVisit.Protection.SUPERVISED,
                            protection_note="数据已备份,维修全程由本单位技术人员监督")
            plans.append(plan)
        plans.sort(key=lambda p: p["repair"].reported_at)
        for p in plans:
            p["repair"].number = self.numbers.next("WX", p["repair"].reported_at)
        sans = sorted((p["sanitisation"] for p in plans if p["sanitisation"]), key=lambda s: s.performed_at)
        for s in sans:
            s.number = self.numbers.next("XH", s.performed_at)
        bulk(Sanitisation, sans, self.summary)
        for p in plans:
            p["repair"].sanitisation = p["sanitisation"]
        bulk(Repair, [p["repair"] for p in plans], self.summary)
        visits = sorted((p["visit"] for p in plans if p["visit"]), key=lambda v: v.visited_at)
        for v in visits:
            v.number = self.numbers.next("WL", v.visited_at)
            v.repair_id = v.repair.pk
        bulk(TechnicianVisit, visits, self.summary)
        for p in plans:
            self._repair_events(p)
        self.summary.planted["p14.7-c"] = len(unwiped)
        self.summary.planted["p02.1.2-a"] = len(unsupervised)
        self.summary.planted["p17.6.5"] = len(unwiped) + len(unsupervised)

    def _status(self, e, at, old, new, number):
        self.entries.append(event("assets.equipment.status", e, at, before={"status": old}, after={"status": new},
                                  reason=number))

    def _repair_events(self, p) -> None:
        r, R, E = p["repair"], Repair.Status, Equipment.Status
        e = r.equipment
        blank = dict(status=R.REPORTED, diagnosed_at=None, cause="", diagnosis="", measures="", external=False,
                     vendor="", approved_at=None, sanitisation_id=None, sent_at=None, returned_at=None, virus_scan="",
                     technician="", supervisor_id=None, work_done="", parts_replaced="", restored=False,
                     completed_at=None)
        add = self.entries.append
        add(event("assets.repair.create", r, r.reported_at, after=image(r, **blank)))
        self._status(e, r.reported_at, E.IN_USE, E.REPAIR, r.number)
        add(event("assets.repair.diagnose", r, r.diagnosed_at, before={"status": R.REPORTED},
                  after=image(r, ["status", "cause", "diagnosis", "measures", "diagnosed_by", "diagnosed_at"],
                              status=R.DIAGNOSED)))
        if not r.external:
            if p["visit"] is not None:
                v = p["visit"]
                add(event("assets.technicianvisit.create", v, v.visited_at, after=image(v)))
            add(event("assets.repair.complete", r, r.completed_at, before={"status": R.DIAGNOSED},
                      after=image(r, ["status", "completed_by", "completed_at", "work_done", "restored",
                                      "parts_replaced", "technician", "supervisor", "cost"])))
            self._status(e, r.completed_at, E.REPAIR, E.IN_USE, r.number)
            return
        add(event("assets.repair.request_external", r, r.diagnosed_at + H, before={"status": R.DIAGNOSED},
                  after=image(r, ["status", "external", "vendor"], status=R.AWAITING_APPROVAL)))
        add(event("assets.repair.approve", r, r.approved_at, before={"status": R.AWAITING_APPROVAL},
                  after=image(r, ["status", "approved_by", "approved_at", "decision_note"], status=R.APPROVED)))
        if p["sanitisation"] is not None:
            s = p["sanitisation"]
            add(event("assets.sanitisation.create", s, s.performed_at, after=image(s)))
        add(event("assets.repair.dispatch", r, r.sent_at, before={"status": R.APPROVED},
                  after=image(r, ["status", "sanitisation", "escort", "sent_at"], status=R.SENT_OUT)))
        self._status(e, r.sent_at, E.REPAIR, E.EXTERNAL_REPAIR, r.number)
        add(event("assets.repair.return", r, r.completed_at, before={"status": R.SENT_OUT},
                  after=image(r, ["status", "completed_by", "completed_at", "virus_scan", "restored", "work_done",
                                  "parts_replaced", "cost", "returned_at", "accepted_by"])))
        self._status(e, r.completed_at, E.EXTERNAL_REPAIR, E.IN_USE, r.number)

    # --- 存储介质与借用 ------------------------------------------------------------------------

    def _media(self, clock) -> None:
        rng, M = self.rng, StorageMedium
        media = []
        for p in self.active[::4]:
            media.append(M(label_no=f"JZ{len(media) + 1:06d}", kind=M.Kind.USB, department_id=p.department_id,
                           custodian=p, capacity="64GB", location=f"{self.names[p.department_id]}资料柜"))
        for d in sorted(self.staff):
            media.append(M(label_no=f"JZ{len(media) + 1:06d}", kind=M.Kind.TAPE, is_backup=True, department_id=d,
                           custodian=self.staff[d][0], capacity="6TB", location=f"{self.names[d]}备份柜"))
        bare = set(id(m) for m in rng.sample(media, _n(len(media), self.gen.rate)))
        for m in media:
            if id(m) in bare:
                m.custodian = None
        overdue = set(id(m) for m in rng.sample(media, _n(len(media), self.gen.rate)))
        loans = []
        for m in media:
            borrowers = self.staff.get(m.department_id) or self.active
            starts = sorted(self.bands.start(20 * D) for _k in range(rng.randrange(0, 4)))
            for lent in [t for i, t in enumerate(starts) if i == 0 or t - starts[i - 1] > 20 * D]:
                due = timezone.localdate(lent) + timedelta(days=rng.randrange(3, 15))
                loans.append(MediumLoan(medium=m, department_id=m.department_id, borrower=rng.choice(borrowers),
                                        purpose="工作资料拷贝", due_back=due, lent_at=lent,
                                        returned_at=lent + timedelta(days=rng.uniform(0.5, 3))))
            if id(m) in overdue:  # the last loan, lent before the departures and never returned
                lent = self.gen.as_of - timedelta(days=rng.uniform(45, 70))
                loans = [x for x in loans if not (x.medium is m and x.lent_at > lent - 20 * D)]
                loans.append(MediumLoan(medium=m, department_id=m.department_id, borrower=rng.choice(borrowers),
                                        purpose="外出办公", due_back=timezone.localdate(lent) + timedelta(days=7),
                                        lent_at=lent))
                m.status = M.Status.LENT
        for m in media:
            m.created = m.registered_at = clock.next()
        bulk(M, media, self.summary, times=("registered_at",))
        bulk(MediumLabel, [MediumLabel(medium=m, classification=m.classification, labelled_at=m.created) for m in media],
             self.summary, times=("labelled_at",))
        loans.sort(key=lambda x: x.lent_at)
        for x in loans:
            x.number = self.numbers.next("JY", x.lent_at)
        bulk(MediumLoan, loans, self.summary)
        for m in media:  # medium_create: the event at setup, before any loan
            self.entries.append(event("assets.storagemedium.create", m, m.created,
                                      after=image(m, status=M.Status.IN_STORE)))
        for x in loans:
            self.entries.append(event("assets.mediumloan.create", x, x.lent_at,
                                      after=image(x, returned_at=None)))
            self.entries.append(event("assets.storagemedium.lend", x.medium, x.lent_at, before={"status": M.Status.IN_STORE},
                                      after={"status": M.Status.LENT}, reason=x.number))
            if x.returned_at:
                self.entries.append(event("assets.mediumloan.return", x, x.returned_at, before={"returned_at": None},
                                          after=image(x, ["returned_at", "received_by"])))
                self.entries.append(event("assets.storagemedium.return", x.medium, x.returned_at,
                                          after={"status": M.Status.IN_STORE}, reason=x.number))
        self.summary.planted["p10.36.3-a"] = len(bare)
        self.summary.planted["p05.0.3.3"] = len(bare)
        self.summary.planted["p10.36.3-b"] = len(overdue)

    # --- 维护记录 -------------------------------------------------------------------------

    def _maintenance(self, months: int, settled: set) -> None:
        """Planted: the latest month's routine maintenance missed on ``rate`` of the computers that
        stayed where they were (no transfer or repair), and the latest cleaning missed by ``rate``
        of the departments (at least one each), so their last record is older than the monthly
        cadence (p01.5.1.e, p15.7.15-b)."""
        rng, K = self.rng, MaintenanceRecord.Kind
        computers = [e for e in self.devices if e.kind in Equipment.COMPUTERS]
        rows = []
        targets = [(e, True) for e in computers] + [(e, False) for e in self.devices[:self.gen.dept_n]]
        missed = set()
        if months > 1:
            stayed = [e for e in computers if e.pk not in settled]
            missed = {(e.pk, True) for e in rng.sample(stayed, _n(len(stayed), self.gen.rate))}
            cleaned = self.devices[:self.gen.dept_n]
            missed |= {(e.pk, False) for e in rng.sample(cleaned, _n(len(cleaned), self.gen.rate))}
        self.summary.planted["p01.5.1.e"] = sum(1 for _, routine in missed if routine)
        self.summary.planted["p15.7.15-b"] = sum(1 for _, routine in missed if not routine)
        for m in range(months):
            for e, routine in targets:
                if m == 0 and (e.pk, routine) in missed:
                    continue
                if m == 0:
                    at = self.gen.as_of - timedelta(days=rng.uniform(12, 28))
                else:
                    at = self.gen.as_of - timedelta(days=15 + 30 * m + rng.uniform(-4, 4))
                if not self.bands.inside(at):
                    continue
                dept = self._dept_at(e, at)
                rows.append(MaintenanceRecord(
                    equipment=e, department_id=dept, kind=K.ROUTINE if routine else K.CLEANING,
                    performed_on=timezone.localdate(at), performed_by=self._maintainer(dept),
                    content="按说明书例行维护:清洁、检查、系统更新" if routine else "设备除尘清洁",
                    anti_static=True, restored=True))
                rows[-1].at = at
        rows.sort(key=lambda r: r.at)
        for r in rows:
            r.number = self.numbers.next("WH", r.at)
        bulk(MaintenanceRecord, rows, self.summary)
        self.entries += [event("assets.maintenancerecord.create", r, r.at, after=image(r)) for r in rows]


def digest_rows():
    """What ``data_digest`` feeds for the operational records (natural keys, no row ids)."""
    yield Repair.objects.order_by("number").values_list("number", "equipment__asset_no", "status", "external",
                                                       "technician", "sanitisation__number", "completed_at")
    yield Transfer.objects.order_by("number").values_list("number", "equipment__asset_no", "to_department__code",
                                                         "to_responsible__employee_no", "approved_at")
    yield MaintenanceRecord.objects.order_by("number").values_list("number", "equipment__asset_no", "kind",
                                                                  "performed_on")
    yield StorageMedium.objects.order_by("label_no").values_list("label_no", "kind", "custodian__employee_no", "status")
    yield MediumLoan.objects.order_by("number").values_list("number", "medium__label_no", "due_back", "returned_at")
    yield TechnicianVisit.objects.order_by("number").values_list("number", "equipment__asset_no", "visited_at")
