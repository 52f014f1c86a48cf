"""处罚记录 (minimal; the governance domain will generalise it into the penalty ledger).

A penalty is *recorded* by the rule that found the offence (a personal fault in a repair,
p01.2.3-c; unapproved software on a device, p01.8.1.a) with the amount the pack sets for the
clause when it sets one (``____元`` stays blank until the organisation fills it in), then
*decided* by someone holding ``assets.penalty.decide``.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_create, instance_update, require

from ..models import Penalty
from ..models.common import next_number
from .common import need_status, step


def _amount_for(clause: str):
    from xinan.policy import pack

    try:
        return pack.param(clause, "fine_cny")
    except KeyError:
        return None


def penalty_record(actor, *, person, clause: str, offence: str, equipment=None, occurred_on=None) -> Penalty:
    """Called by the rules that find an offence (inside their transaction)."""
    penalty = Penalty(number=next_number(Penalty, "CF"), person=person, department=person.department, clause=clause,
                      offence=offence, equipment=equipment, amount_cny=_amount_for(clause),
                      occurred_on=occurred_on or timezone.localdate())
    with audited_write():
        penalty.full_clean()
        penalty.save()
        record(actor, "assets.penalty.create", penalty, after=snapshot(penalty))
    return penalty


def penalty_create(actor, *, reason: str = "", **data) -> Penalty:
    person = data.get("person")
    data.update(number=next_number(Penalty, "CF"), department=person.department if person else None)
    data.setdefault("occurred_on", timezone.localdate())
    data["status"] = Penalty.Status.PROPOSED
    return instance_create(actor, Penalty, data, department_field="department", reason=reason)


def penalty_update(actor, penalty: Penalty, *, reason: str = "", **data) -> Penalty:
    if data.get("status", penalty.status) != penalty.status:
        raise ValidationError({"status": _("处罚须通过“决定”办理 / decide the penalty instead")})
    return instance_update(actor, penalty, data, department_field="department", reason=reason)


def penalty_decide(actor, penalty: Penalty, *, waive: bool = False, amount_cny=None, reason: str = "") -> Penalty:
    require(actor, "assets.penalty.decide", penalty.department_id)
    need_status(penalty, Penalty.Status.PROPOSED)
    if actor is not None and getattr(actor, "person_id", None) == penalty.person_id:
        raise ValidationError(_("不得对本人的处罚作出决定 / you may not decide your own penalty"))
    if waive and not reason.strip():
        raise ValidationError(_("免于处罚须说明理由 / give the reason for waiving"))
    with audited_write():
        before = snapshot(penalty, ["status", "amount_cny"])
        penalty.status = Penalty.Status.WAIVED if waive else Penalty.Status.DECIDED
        if amount_cny is not None:
            penalty.amount_cny = amount_cny
        penalty.decided_by, penalty.decided_at = actor, timezone.now()
        step(actor, "assets.penalty.decide", penalty, ["status", "amount_cny", "decided_by", "decided_at"], before,
             reason)
    return penalty
