"""交接确认 (p15.7.2-b 转交他人保管时需严格交接): after a custody change — an executed transfer
(调用记录单) or a medium handover (介质移交) — the giving and the receiving person each confirm
it, as themselves (the acting user's own person), with the time recorded and audited.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.parameters import define
from xinan.policy.durations import IsoDuration

from ..models import HandoverConfirmation, MediumHandover, Transfer

CONFIRM_WITHIN = define(
    "assets.handover_confirm_within", "P3D", gettext_lazy("交接双方确认的期限(调用执行或介质移交之后)"),
    kind=IsoDuration, clauses=("p15.7.2-b",))

Party = HandoverConfirmation.Party


def parties(subject) -> dict[str, int | None]:
    """The person ids of the giving and receiving party of a transfer or a medium handover."""
    if isinstance(subject, Transfer):
        return {Party.GIVER: subject.from_responsible_id, Party.RECEIVER: subject.to_responsible_id}
    return {Party.GIVER: subject.from_custodian_id, Party.RECEIVER: subject.to_custodian_id}


def handover_confirm(actor, subject: Transfer | MediumHandover, *, note: str = "", reason: str = "") -> HandoverConfirmation:
    """The acting user confirms the handover as the party they are (giver or receiver)."""
    person_id = getattr(actor, "person_id", None)
    if actor is None or person_id is None:
        raise PermissionDenied(_("交接须由移交人或接收人本人确认 / only the giving or receiving person confirms"))
    if isinstance(subject, Transfer) and subject.status not in (Transfer.Status.EXECUTED, Transfer.Status.FILED):
        raise ValidationError(_("调用尚未执行,不能确认交接 / the transfer has not been executed"))
    roles = [party for party, pid in parties(subject).items() if pid is not None and pid == person_id]
    if not roles:
        raise PermissionDenied(_("您不是本次交接的移交人或接收人 / you are neither party to this handover"))
    key = "transfer" if isinstance(subject, Transfer) else "medium_handover"
    done = set(HandoverConfirmation.objects.filter(**{key: subject}).values_list("party", flat=True))
    open_roles = [r for r in roles if r not in done]
    if not open_roles:
        raise ValidationError(_("您已确认过本次交接 / you have already confirmed this handover"))
    with audited_write():
        confirmation = HandoverConfirmation(**{key: subject}, party=open_roles[0], person_id=person_id, user=actor,
                                            confirmed_at=timezone.now(), note=note)
        confirmation.save()
        record(actor, "assets.handover.confirm", confirmation, after=snapshot(confirmation), reason=reason)
    return confirmation


def medium_handover_confirm(actor, medium, *, note: str = "", reason: str = "") -> HandoverConfirmation:
    """Confirm the medium's latest handover (the 介质办理 page's step)."""
    handover = MediumHandover.objects.filter(medium=medium).order_by("-handed_at", "-pk").first()
    if handover is None:
        raise ValidationError(_("该介质没有移交记录 / the medium has no handover to confirm"))
    return handover_confirm(actor, handover, note=note, reason=reason)


def pending_confirmations(person) -> list[tuple[str, object]]:
    """What ``person`` still has to confirm: executed transfers and medium handovers naming them as
    giver or receiver without their confirmation (two queries; for the 待确认交接 page)."""
    if person is None:
        return []
    from django.db.models import Exists, OuterRef, Q

    mine = HandoverConfirmation.objects.filter(person=person)
    transfers = (Transfer.objects.filter(Q(from_responsible=person) | Q(to_responsible=person),
                                         executed_at__isnull=False)
                 .exclude(Exists(mine.filter(transfer=OuterRef("pk")))).select_related("equipment")
                 .order_by("-executed_at"))
    handovers = (MediumHandover.objects.filter(Q(from_custodian=person) | Q(to_custodian=person))
                 .exclude(Exists(mine.filter(medium_handover=OuterRef("pk")))).select_related("medium")
                 .order_by("-handed_at"))
    return [("transfer", t) for t in transfers] + [("medium_handover", h) for h in handovers]
