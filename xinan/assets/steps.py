"""The steps a record's 办理 page offers: for each record type, which service each step calls,
with which form, in which statuses and for whom. The page (``views.record_steps``) shows the
steps the user may take now; the services check everything again."""

from dataclasses import dataclass
from typing import Callable

from django.utils.translation import gettext_lazy as _

from . import forms as f
from . import services as s
from .models import MediumLoan, Penalty, Repair, Scrapping, SoftwareRequest, StorageMedium, Transfer


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    perm: str
    statuses: tuple
    form: type
    call: Callable  # (actor, obj, cleaned_data) -> result
    style: str = "primary"


def _plain(service):
    return lambda actor, obj, data: service(actor, obj, **data)


T, R, SC, SR = Transfer.Status, Repair.Status, Scrapping.Status, SoftwareRequest.Status

STEPS: dict[str, list[Step]] = {
    "transfers": [
        Step("approve", _("副总经理批准"), "assets.transfer.approve", (T.REQUESTED,), f.NoteForm,
             _plain(s.transfer_approve)),
        Step("reject", _("不批准"), "assets.transfer.approve", (T.REQUESTED,), f.ReasonRequiredForm,
             _plain(s.transfer_reject), "outline-danger"),
        Step("execute", _("执行调用"), "assets.transfer.execute", (T.APPROVED,), f.NoteForm, _plain(s.transfer_execute)),
        Step("file", _("存档"), "assets.transfer.execute", (T.EXECUTED,), f.NoteForm, _plain(s.transfer_file)),
        Step("cancel", _("撤销"), "assets.transfer.add", (T.REQUESTED, T.APPROVED), f.ReasonRequiredForm,
             _plain(s.transfer_cancel), "outline-danger"),
    ],
    "repairs": [
        Step("diagnose", _("诊断"), "assets.repair.diagnose", (R.REPORTED,), f.DiagnoseForm, _plain(s.repair_diagnose)),
        Step("complete", _("维修完成"), "assets.repair.diagnose", (R.DIAGNOSED, R.REJECTED), f.CompleteForm,
             _plain(s.repair_complete)),
        Step("external", _("申请送外维修"), "assets.repair.diagnose", (R.DIAGNOSED,), f.ExternalForm,
             _plain(s.repair_request_external), "outline-primary"),
        Step("approve", _("批准送外维修"), "assets.repair.approve", (R.AWAITING_APPROVAL,), f.NoteForm,
             lambda a, o, d: s.repair_approve_external(a, o, approve=True, **d)),
        Step("reject", _("不批准送外维修"), "assets.repair.approve", (R.AWAITING_APPROVAL,), f.ReasonRequiredForm,
             lambda a, o, d: s.repair_approve_external(a, o, approve=False, **d), "outline-danger"),
        Step("dispatch", _("送出维修"), "assets.repair.diagnose", (R.APPROVED,), f.DispatchForm,
             _plain(s.repair_dispatch)),
        Step("return", _("返回验收登记"), "assets.repair.diagnose", (R.SENT_OUT,), f.ReturnForm,
             _plain(s.repair_return)),
    ],
    "scrappings": [
        Step("appraise", _("管理员鉴定"), "assets.scrapping.appraise", (SC.PROPOSED,), f.AppraiseForm,
             _plain(s.scrapping_appraise)),
        Step("approve", _("部门经理批准"), "assets.scrapping.approve", (SC.APPRAISED,), f.NoteForm,
             lambda a, o, d: s.scrapping_approve(a, o, approve=True, **d)),
        Step("reject", _("不批准"), "assets.scrapping.approve", (SC.APPRAISED,), f.ReasonRequiredForm,
             lambda a, o, d: s.scrapping_approve(a, o, approve=False, **d), "outline-danger"),
        Step("write_off", _("财务办理报废"), "assets.scrapping.finance", (SC.APPROVED,), f.WriteOffForm,
             _plain(s.scrapping_write_off)),
    ],
    "software-requests": [
        Step("decide", _("审核"), "assets.softwarerequest.approve", (SR.REQUESTED,), f.DecideForm,
             _plain(s.software_request_decide)),
        Step("perform", _("实施安装或删除"), "assets.softwarerequest.approve", (SR.APPROVED,), f.NoteForm,
             _plain(s.software_request_perform)),
    ],
    "media": [
        Step("lend", _("借出"), "assets.mediumloan.add", (StorageMedium.Status.IN_STORE,), f.LendForm,
             lambda a, o, d: s.medium_lend(a, medium=o, **d)),
        Step("handover", _("移交保管"), "assets.storagemedium.change",
             (StorageMedium.Status.IN_STORE, StorageMedium.Status.IN_USE), f.HandoverForm, _plain(s.medium_handover),
             "outline-primary"),
        Step("approve_destruction", _("批准销毁"), "assets.storagemedium.approve_destruction",
             (StorageMedium.Status.IN_STORE, StorageMedium.Status.IN_USE), f.NoteForm,
             _plain(s.medium_destruction_approve), "outline-danger"),
        Step("destroy", _("销毁登记"), "assets.sanitisation.add",
             (StorageMedium.Status.IN_STORE, StorageMedium.Status.IN_USE), f.DestroyForm, _plain(s.medium_destroy),
             "danger"),
    ],
    "medium-loans": [
        Step("return", _("归还"), "assets.mediumloan.change", (None,), f.NoteForm, _plain(s.medium_return)),
    ],
    "asset-penalties": [
        Step("decide", _("决定"), "assets.penalty.decide", (Penalty.Status.PROPOSED,), f.PenaltyDecideForm,
             _plain(s.penalty_decide)),
    ],
}

# 信息系统、系统变更、备件采购与交接确认 (xinan/assets/services/systems.py, purchase.py, handover.py).
from . import forms_systems as fs  # noqa: E402
from .models import InformationSystem, PurchaseRequest, SystemChange  # noqa: E402
from .models import systems_secrecy as models_secrecy  # noqa: E402

IS, CH, PR = InformationSystem.Status, SystemChange.Status, PurchaseRequest.Status
STEPS["systems"] = [
    Step("decommission", _("停止运行登记"), "assets.informationsystem.change",
         (IS.PLANNED, IS.DESIGN, IS.DEVELOPMENT, IS.IN_SERVICE), fs.DecommissionForm, _plain(s.system_decommission),
         "outline-danger"),
]
STEPS["system-changes"] = [
    Step("approve", _("批准变更"), "assets.systemchange.approve", (CH.REQUESTED,), f.NoteForm,
         lambda a, o, d: s.system_change_decide(a, o, approve=True, **d)),
    Step("reject", _("不批准"), "assets.systemchange.approve", (CH.REQUESTED,), f.ReasonRequiredForm,
         lambda a, o, d: s.system_change_decide(a, o, approve=False, **d), "outline-danger"),
    Step("implement", _("实施登记"), "assets.systemchange.implement", (CH.APPROVED,), fs.ImplementForm,
         _plain(s.system_change_implement)),
    Step("cancel", _("撤销"), "assets.systemchange.add", (CH.REQUESTED, CH.APPROVED), f.ReasonRequiredForm,
         _plain(s.system_change_cancel), "outline-danger"),
]
# 保密办审核 of a classification change (p08.9.6).
CC = models_secrecy.SystemClassificationChange.Status
STEPS["system-classifications"] = [
    Step("approve", _("保密办审核通过"), "assets.systemclassificationchange.review", (CC.REQUESTED,), f.NoteForm,
         lambda a, o, d: s.classification_review(a, o, approve=True, **d)),
    Step("reject", _("审核不通过"), "assets.systemclassificationchange.review", (CC.REQUESTED,),
         f.ReasonRequiredForm, lambda a, o, d: s.classification_review(a, o, approve=False, **d), "outline-danger"),
]
STEPS["purchases"] = [
    Step("approve", _("批准"), "assets.purchaserequest.approve", (PR.REQUESTED,), f.NoteForm,
         lambda a, o, d: s.purchase_decide(a, o, approve=True, **d)),
    Step("approve_leader", _("院长(总经理)批准"), "assets.purchaserequest.approve_leader", (PR.REQUESTED,), f.NoteForm,
         lambda a, o, d: s.purchase_decide(a, o, approve=True, **d)),
    Step("reject", _("不批准"), "assets.purchaserequest.approve", (PR.REQUESTED,), f.ReasonRequiredForm,
         lambda a, o, d: s.purchase_decide(a, o, approve=False, **d), "outline-danger"),
    Step("purchase", _("后勤采购登记"), "assets.purchaserequest.purchase", (PR.APPROVED,), fs.PurchaseRecordForm,
         _plain(s.purchase_record)),
    Step("distribute", _("配发科室"), "assets.purchaserequest.purchase", (PR.PURCHASED,), fs.DistributeForm,
         _plain(s.purchase_distribute)),
    Step("cancel", _("撤销"), "assets.purchaserequest.add", (PR.REQUESTED, PR.APPROVED), f.ReasonRequiredForm,
         _plain(s.purchase_cancel), "outline-danger"),
]
# p15.7.2-b: the giving and the receiving person confirm an executed transfer as themselves.
STEPS["transfers"].append(
    Step("confirm", _("确认交接"), "assets.transfer.view", (T.EXECUTED, T.FILED), fs.ConfirmForm,
         _plain(s.handover_confirm), "outline-primary"))
STEPS["media"].append(
    Step("confirm_handover", _("确认移交"), "assets.storagemedium.view",
         (StorageMedium.Status.IN_STORE, StorageMedium.Status.IN_USE), fs.ConfirmForm,
         _plain(s.medium_handover_confirm), "outline-primary"))


def status_of(obj):
    if isinstance(obj, MediumLoan):
        return None if obj.returned_at is None else "returned"
    return getattr(obj, "status", None)


def available(slug: str, obj, has_perm) -> list[Step]:
    if getattr(obj, "archived_at", None):
        return []
    current = status_of(obj)
    return [st for st in STEPS.get(slug, []) if current in st.statuses and has_perm(st.perm)]


def find(slug: str, name: str) -> Step | None:
    return next((st for st in STEPS.get(slug, []) if st.name == name), None)

# 介质处置审批、转运接收、授权审查、机房带出 (xinan/assets/services/media_disposal.py, media_records.py).
from . import forms_media as fm  # noqa: E402
from .models import MediumDisposal, RemovalPass  # noqa: E402

MDS, RPS = MediumDisposal.Status, RemovalPass.Status
STEPS["medium-disposals"] = [
    Step("approve", _("逐级审批:批准"), "assets.storagemedium.approve_destruction", (MDS.REQUESTED,), f.NoteForm,
         lambda a, o, d: s.disposal_approve(a, o, approve=True, **d)),
    Step("reject", _("不批准"), "assets.storagemedium.approve_destruction", (MDS.REQUESTED,), f.ReasonRequiredForm,
         lambda a, o, d: s.disposal_approve(a, o, approve=False, **d), "outline-danger"),
    Step("complete", _("办理(移交、调拨、封存或更换后处理)"), "assets.storagemedium.change", (MDS.APPROVED,),
         fm.DisposalCompleteForm, _plain(s.disposal_complete)),
]
STEPS["medium-movements"] = [
    Step("receive", _("到达接收"), "assets.mediummovement.change", (None,), fm.MovementReceiveForm,
         _plain(s.movement_receive)),
]
STEPS["medium-authorisations"] = [
    Step("review", _("联合审查"), "assets.mediumauthorisation.view", (None,), fm.ReviewForm,
         _plain(s.authorisation_review)),
]
STEPS["removal-passes"] = [
    Step("approve", _("批准带出"), "assets.removalpass.approve", (RPS.REQUESTED,), f.NoteForm,
         lambda a, o, d: s.removal_pass_approve(a, o, approve=True, **d)),
    Step("reject", _("不批准"), "assets.removalpass.approve", (RPS.REQUESTED,), f.ReasonRequiredForm,
         lambda a, o, d: s.removal_pass_approve(a, o, approve=False, **d), "outline-danger"),
    Step("out", _("出门查验放行"), "assets.removalpass.change", (RPS.APPROVED,), f.NoteForm,
         _plain(s.removal_pass_out)),
    Step("return", _("带回登记"), "assets.removalpass.change", (RPS.OUT,), f.NoteForm, _plain(s.removal_pass_return)),
]
STEPS["media"].append(
    Step("shred", _("纸质资料销毁(碎纸)"), "assets.sanitisation.add",
         (StorageMedium.Status.IN_STORE, StorageMedium.Status.IN_USE), fm.ShredForm, _plain(s.medium_destroy),
         "outline-danger"))
