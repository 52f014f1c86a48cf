"""Verifying the audit chain (``xinan audit verify``): recompute every hash, in sequence order.

What is detected, and where it is reported (``first_broken_seq``):

- an edited event: its content no longer matches its hash → that event;
- a deleted event: a gap in the sequence → the missing number;
- reordered or inserted events: the previous-hash link or the order breaks → the first event
  whose link or hash fails (an event inserted by renumbering its successors links correctly
  itself, so the break shows at the next one);
- events appended past the chain head, or a chain shorter than the head → the first event
  beyond/missing;
- truncation or rewriting that the chain alone cannot show (the attacker recomputed every hash
  and moved the head): compared with every *signed* checkpoint (in the database and, with
  ``checkpoint_file``, one the auditor kept outside it) — chain shorter than a checkpoint, or the
  event at a checkpoint's sequence number with another hash;
- a forged checkpoint: a signature that the key outside the database does not verify.

Rows are read in keyset batches as raw tuples (``rowhash``), never as model instances, so memory
stays flat and millions of events take seconds. Each verification run is itself recorded as an
``audit.verify`` event by ``verify_and_record`` (the analysis names the auditor, p08.13.3-a).

Clauses: p08.13.3-a (安全审计员审计跟踪), p17.8-a (原始记录保留), p05.5.4 (未授权增改删可被发现).
"""

import gc
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from .chain import GENESIS
from .checkpoints import claim_from_file, claims_in_database, trusted_public_key
from .models import AuditHead
from .rowhash import HASH, PREV_HASH, fast_hashes, row_hash, select_sql
from .services import audited_write, record


@dataclass
class Problem:
    seq: int
    code: str
    zh: str
    en: str


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None
    reason: str  # "中文 / English"
    reason_zh: str = ""
    reason_en: str = ""
    code: str = ""
    head_seq: int = 0
    last_seq: int = 0
    checkpoint_seq: int | None = None  # the latest trusted checkpoint compared
    checkpoints_checked: int = 0
    elapsed: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Events per second."""
        return self.checked / self.elapsed if self.elapsed > 0 else 0.0

    def summary(self) -> dict:
        """The outcome as stored in the ``audit.verify`` event."""
        return {
            "ok": self.ok, "checked": self.checked, "first_broken_seq": self.first_broken_seq, "code": self.code,
            "reason": self.reason, "head_seq": self.head_seq, "last_seq": self.last_seq,
            "checkpoint_seq": self.checkpoint_seq, "checkpoints_checked": self.checkpoints_checked,
            "elapsed_ms": round(self.elapsed * 1000),
        }


def _head() -> tuple[int, str] | None:
    row = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    return (row[0], row[1]) if row else None


def _checkpoints(checkpoint_file, problems: list[Problem]) -> dict[int, list]:
    """Trusted checkpoints by sequence number; forged ones become problems."""
    claims = claims_in_database()
    if checkpoint_file is not None:
        claims.append(claim_from_file(checkpoint_file))
    trusted: dict[int, list] = {}
    key = trusted_public_key()
    for claim in claims:
        if claim.signature_valid(key):
            trusted.setdefault(claim.seq, []).append(claim)
        else:
            problems.append(Problem(
                claim.seq, "checkpoint_forged",
                _("%(src)s(序号 %(seq)s)的签名无效,检查点系伪造或被篡改") % {"src": claim.source_zh, "seq": claim.seq},
                "%(src)s at seq %(seq)s has an invalid signature (forged or altered checkpoint)"
                % {"src": claim.source_en, "seq": claim.seq},
            ))
    return trusted


class _Walk:
    """One pass over (a range of) the chain; stops at the first broken event.

    ``start_hash=None`` starts mid-chain (a range checked by a worker process): the first event's
    stored previous hash is taken as given and kept in ``first_prev`` for the caller to stitch.
    """

    def __init__(self, trusted: dict[int, list], start_seq: int = 0, start_hash: str | None = GENESIS):
        self.trusted = trusted
        self.last_seq = start_seq
        self.last_hash = start_hash
        self.first_prev: str | None = None
        self.checked = 0
        self.problem: Problem | None = None

    def run(self, sql: str, batch: int, until: int | None = None) -> None:
        """Read and check events after ``last_seq`` (up to ``until``) to the end or the first problem."""
        with connection.cursor() as cursor:
            while self.problem is None:
                params = [self.last_seq, batch] if until is None else [self.last_seq, until, batch]
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                if not rows:
                    return
                self._batch(rows)

    def _batch(self, rows) -> None:
        trusted = self.trusted
        prev_seq, prev = self.last_seq, self.last_hash
        if prev is None:
            prev = self.first_prev = rows[0][PREV_HASH]
        checked = 0
        problem = None
        for row, computed in zip(rows, fast_hashes(rows)):
            seq = row[0]
            if seq != prev_seq + 1:
                problem = self._out_of_sequence(seq, prev_seq)
                break
            if row[PREV_HASH] != prev:
                args = {"seq": seq, "p": prev_seq}
                problem = Problem(seq, "link", _("事件 %(seq)s 的前一哈希与事件 %(p)s 的哈希不符,事件被调换顺序或插入") % args,
                                  "event %(seq)s does not link to event %(p)s (reordered or inserted)" % args)
                break
            if computed != row[HASH]:
                # The fast hash (rowhash.fast_hashes, over the stored previous hash, which the link
                # check just matched) only accepts; anything else is settled by the definition.
                try:
                    computed = row_hash(prev, row)
                except (ValueError, TypeError) as exc:
                    args = {"seq": seq, "e": exc}
                    problem = Problem(seq, "unreadable", _("事件 %(seq)s 无法读取:%(e)s") % args,
                                      "event %(seq)s is unreadable: %(e)s" % args)
                    break
            if computed != row[HASH]:
                problem = Problem(seq, "edited", _("事件 %(seq)s 的内容与其哈希不符,事件被篡改") % {"seq": seq},
                                  "event %(seq)s does not match its hash (edited)" % {"seq": seq})
                break
            if seq in trusted:
                problem = self._against_checkpoints(seq, computed)
                if problem is not None:
                    break
            prev_seq, prev = seq, computed
            checked += 1
        self.last_seq, self.last_hash, self.checked = prev_seq, prev, self.checked + checked
        self.problem = problem

    def _against_checkpoints(self, seq, computed) -> Problem | None:
        for claim in self.trusted[seq]:
            if claim.hash != computed:
                # Reported only as the first problem, so every earlier checkpoint matched: the
                # rewrite lies after the latest of them.
                good = max((s for s in self.trusted if s < seq), default=0)
                zh = {"seq": seq, "src": claim.source_zh, "good": good}
                en = {"seq": seq, "src": claim.source_en, "good": good}
                return Problem(seq, "checkpoint_mismatch",
                               _("事件 %(seq)s 的哈希与已签名的%(src)s不符,序号 %(good)s 之后的事件被改写") % zh,
                               "event %(seq)s differs from signed %(src)s: events after seq %(good)s were rewritten" % en)
        return None

    @staticmethod
    def _out_of_sequence(seq, prev_seq) -> Problem:
        expected = prev_seq + 1
        if type(seq) is int and seq > expected:
            return _deleted(expected)
        at = seq if type(seq) is int else expected
        args = {"seq": seq, "p": prev_seq}
        return Problem(at, "order", _("序号 %(seq)r 出现在 %(p)s 之后,顺序错乱或重复") % args,
                       "sequence number %(seq)r follows %(p)s (out of order or duplicated)" % args)


def _deleted(seq: int) -> Problem:
    return Problem(seq, "deleted", _("缺少序号 %(seq)s 的事件,事件被删除") % {"seq": seq},
                   "event %(seq)s is missing (deleted)" % {"seq": seq})


# -- several processes -------------------------------------------------------------------------
# Each event's hash depends only on its own row and its stored previous hash, so ranges of the
# chain can be checked independently and stitched (each range's first previous hash must equal
# the last hash of the range before). Workers are forked with the database connections closed
# and open their own; only possible when other processes see the same committed data.


def _can_fork() -> bool:
    if connection.in_atomic_block:
        return False  # uncommitted rows (a test transaction) are invisible to other connections
    if connection.vendor == "sqlite":
        return not connection.is_in_memory_db()
    return True


def _range_job(job):
    lo, hi, trusted, batch = job
    walk = _Walk(trusted, start_seq=lo - 1, start_hash=None)
    try:
        walk.run(select_sql(connection, bounded=True), batch, until=hi)
    finally:
        if _IN_WORKER:
            connection.close()
    return lo, hi, walk.first_prev, walk.last_seq, walk.last_hash, walk.checked, walk.problem


_IN_WORKER = False


def _worker_init():
    global _IN_WORKER
    _IN_WORKER = True
    gc.disable()  # as in the parent (``_without_cyclic_gc``); the worker ends with the pool


@contextmanager
def _without_cyclic_gc():
    """The walk builds millions of tuples and strings and no reference cycles, which reference
    counting frees; the cyclic collector only re-traversed each batch as it filled. Without it
    verification ran 5–10 % faster (PostgreSQL, large preset, alternating runs)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parallel(trusted, batch: int, workers: int, top: int) -> _Walk:
    """Check events 1..top in ranges, in ``workers`` processes when possible; a walk positioned
    after ``top`` (or at the first problem)."""
    size = max(batch, -(-top // (workers * 4)))
    jobs = [(lo, min(lo + size - 1, top), trusted, batch) for lo in range(1, top + 1, size)]
    if workers > 1 and _can_fork():
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from django.db import connections

        connections.close_all()
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_init) as pool:
            results = list(pool.map(_range_job, jobs))
    else:
        results = map(_range_job, jobs)
    walk = _Walk(trusted)
    for lo, hi, first_prev, last_seq, last_hash, checked, problem in results:
        if checked and first_prev != walk.last_hash:
            args = {"seq": lo, "p": lo - 1}
            walk.problem = Problem(lo, "link", _("事件 %(seq)s 的前一哈希与事件 %(p)s 的哈希不符,事件被调换顺序或插入") % args,
                                   "event %(seq)s does not link to event %(p)s (reordered or inserted)" % args)
            return walk
        walk.checked += checked
        if checked:
            walk.last_seq, walk.last_hash = last_seq, last_hash
        if problem is not None:
            walk.problem = problem
            return walk
        if last_seq != hi:
            walk.problem = _deleted(last_seq + 1)
            return walk
    return walk


def verify_chain(batch: int = 50_000, checkpoint_file=None, workers: int = 1) -> VerifyResult:
    """Recompute the whole chain; ``checkpoint_file`` adds an exported checkpoint to compare with.

    ``workers`` > 1 checks ranges in that many processes (the CLI does this on big chains); it
    falls back to one process where others could not see the data (inside a transaction, or an
    in-memory database).
    """
    started = time.perf_counter()
    problems: list[Problem] = []
    trusted = _checkpoints(checkpoint_file, problems)
    sql = select_sql(connection)
    with _without_cyclic_gc():
        head = _head()
        if workers > 1 and head is not None and head[0] > 2 * batch:
            walk = _parallel(trusted, batch, workers, head[0])
        else:
            walk = _Walk(trusted)
        if walk.problem is None:
            walk.run(sql, batch)
        if walk.problem is None:
            # Events appended while we read are fine: catch up until the head (read after the
            # rows, and committed with them) is reached; the head can only move forward.
            head = _head()
            while head is not None and head[0] > walk.last_seq:
                before = walk.last_seq
                walk.run(sql, batch)
                if walk.problem is not None or walk.last_seq == before:
                    break
                head = _head()
    if walk.problem is not None:
        problems.append(walk.problem)
    else:
        _check_tail(walk, head, trusted, problems)
    elapsed = time.perf_counter() - started
    result = VerifyResult(
        ok=not problems, checked=walk.checked, first_broken_seq=None, reason="",
        head_seq=head[0] if head else 0, last_seq=walk.last_seq,
        checkpoint_seq=max(trusted) if trusted else None,
        checkpoints_checked=sum(len(v) for v in trusted.values()), elapsed=elapsed, problems=problems,
    )
    if problems:
        first = min(problems, key=lambda p: p.seq)
        result.first_broken_seq, result.code = first.seq, first.code
        result.reason_zh, result.reason_en = first.zh, first.en
        result.reason = f"{first.zh} / {first.en}"
    else:
        result.reason_zh, result.reason_en = _("审计链完整"), "audit chain intact"
        result.reason = f"{result.reason_zh} / {result.reason_en}"
    return result


def _check_tail(walk: _Walk, head, trusted, problems: list[Problem]) -> None:
    """After a clean pass: the end of the chain against the head and the signed checkpoints."""
    last = walk.last_seq
    if head is None:
        if last:
            problems.append(Problem(last, "head_missing", _("审计链头记录缺失"), "the chain head record is missing"))
    elif last < head[0]:
        args = {"last": last, "head": head[0]}
        problems.append(Problem(last + 1, "truncated",
                                _("审计链止于序号 %(last)s,但链头记录为 %(head)s,末尾被截断") % args,
                                "the chain ends at seq %(last)s but its head says %(head)s (truncated)" % args))
    elif last > head[0]:
        args = {"seq": head[0] + 1, "head": head[0]}
        problems.append(Problem(head[0] + 1, "inserted",
                                _("链头(序号 %(head)s)之后存在事件 %(seq)s,事件系插入") % args,
                                "event %(seq)s lies beyond the chain head at seq %(head)s (inserted)" % args))
    elif head[1] != walk.last_hash:
        problems.append(Problem(last, "head_mismatch", _("链头哈希与事件 %(seq)s 的哈希不符") % {"seq": last},
                                "the chain head's hash differs from event %(seq)s" % {"seq": last}))
    beyond = [seq for seq in trusted if seq > last]
    if beyond:
        claim = trusted[max(beyond)][0]
        zh = {"last": last, "seq": claim.seq, "src": claim.source_zh}
        en = {"last": last, "seq": claim.seq, "src": claim.source_en}
        problems.append(Problem(last + 1, "truncated",
                                _("审计链止于序号 %(last)s,但已签名的%(src)s记录到序号 %(seq)s,末尾被截断") % zh,
                                "the chain ends at seq %(last)s but signed %(src)s covers seq %(seq)s (truncated)" % en))
    if any(claim.hash != GENESIS for claim in trusted.get(0, ())):
        problems.append(Problem(1, "checkpoint_mismatch", _("序号 0 的检查点哈希不是创世哈希"),
                                "the checkpoint at seq 0 is not the genesis hash"))


def verify_and_record(actor=None, *, batch: int = 50_000, checkpoint_file=None, workers: int = 1) -> VerifyResult:
    """Verify, then append the outcome as an ``audit.verify`` event naming who ran it (p08.13.3-a).

    ``selectors.chain_status`` reads the latest such event, so the dashboard shows the last result
    without verifying on a page view.
    """
    result = verify_chain(batch=batch, checkpoint_file=checkpoint_file, workers=workers)
    summary = result.summary()
    summary["checkpoint_file"] = checkpoint_file is not None
    with audited_write():
        record(actor, "audit.verify", ("audit.chain", "", _("审计链")), after=summary,
               reason="" if result.ok else result.reason)
    return result
