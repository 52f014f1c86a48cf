"""合规声明 as a register: list, detail, draft/edit, withdraw (archive), Excel import/export,
printable form and REST endpoints come from the register machinery. Signing and approving are
``services.attestation_sign`` / ``attestation_approve`` (``xinan policy attestation``)."""

from django.utils.translation import gettext_lazy as _

from xinan.core.registers import register

from . import services
from .models import Attestation

attestations = register(
    slug="attestations", model=Attestation, title=_("合规声明"), form_title=_("合规声明书"),
    fields=["clause", "signer", "statement", "evidence", "period_start", "period_end"],
    columns=["clause", "signer", "statement", "period_start", "period_end", "status", "approver"],
    filters=["status", "signer"], search=["clause", "statement"], ordering=["-period_end", "clause"],
    lookups={"signer": "employee_no", "approver": "employee_no"}, department_field=None, nav_section="policy",
    create=services.attestation_create, update=services.attestation_update, archive=services.attestation_archive,
    detail_actions=[(_("签署与审批"), "policy:attestation_decide", "policy.attestation.view")],
)
