"""Re-evaluating the checks after each write, for the subjects the write touched.

How: ``xinan.audit.services.record_many`` hands each batch of events to its ``event_listeners``
(one small additive hook) inside the writing transaction. ``on_events`` keeps the subjects
(type, id) that some check lists among its ``subjects`` in a buffer tied to the database
connection, and registers one ``transaction.on_commit`` callback per transaction; after the commit
the callback runs ``checks_run(subjects=…)``: only the checks those subject types can affect,
narrowed to the changed rows where a check allows it. A rolled-back transaction never runs it.

Why not model signals: the architecture keeps business rules out of signals, and a signal per
``save`` would miss bulk writes; every write already produces an audit event naming its subject,
so the audit chain is the one place that sees them all. Re-evaluation is not a business rule and
never blocks the write: it runs after the commit, and a failure is logged (``xinan check``
still reports it), not raised into the request that wrote.
Set ``settings.POLICY_REEVALUATE = False`` to turn it off (bulk loads can run ``xinan check`` once).
"""

import logging

from django.conf import settings
from django.db import transaction

from .checks import registry

log = logging.getLogger(__name__)
OWN_TYPES = ("policy.check_run",)


class _Pending:
    def __init__(self):
        self.subjects: dict[str, set[str]] = {}
        self.done = False

    def add(self, subject_type: str, subject_id: str) -> None:
        self.subjects.setdefault(subject_type, set()).add(subject_id)

    def flush(self) -> None:
        from .services import checks_run

        self.done = True
        try:
            checks_run(subjects=self.subjects, reason="after write")
        except Exception:  # noqa: BLE001 - the write is committed already; never turn it into an error
            log.exception("policy: re-evaluating checks after a write failed")


def _scheduled(connection, pending: _Pending) -> bool:
    return any(getattr(entry[1], "__self__", None) is pending for entry in connection.run_on_commit)


def on_events(events) -> None:
    """Audit listener: remember the subjects a check cares about; run once after commit."""
    if not getattr(settings, "POLICY_REEVALUATE", True):
        return
    triggers = registry.triggers()
    relevant = [(e.subject_type, e.subject_id) for e in events
                if e.subject_type in triggers and e.subject_type not in OWN_TYPES]
    if not relevant:
        return
    connection = transaction.get_connection()
    pending = getattr(connection, "_xinan_policy_pending", None)
    if pending is None or pending.done or not _scheduled(connection, pending):
        pending = _Pending()
        connection._xinan_policy_pending = pending
        transaction.on_commit(pending.flush)
    for subject_type, subject_id in relevant:
        pending.add(subject_type, subject_id)
