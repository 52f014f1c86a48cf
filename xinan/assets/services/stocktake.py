"""盘点 (p15.5.3-b 每年清点一次): a session over a department's devices. Each device is
confirmed by scanning its QR label or from the list; one found in another department or place
is *elsewhere*, a code that names no device *unknown*; closing the session reports every device
not seen as *missing* and keeps the counts with the closed session."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_archive, instance_create, instance_update, require
from xinan.org.selectors import department_subtree_ids

from ..models import Equipment, StockTake, StockTakeItem
from ..models.common import next_number
from .common import need_status

Result = StockTakeItem.Result


def in_scope(stocktake: StockTake):
    """The devices a stock-take must find: its department's subtree, not scrapped or archived."""
    ids = department_subtree_ids({stocktake.department_id})
    return Equipment.objects.filter(department_id__in=ids, archived_at__isnull=True).exclude(
        status=Equipment.Status.SCRAPPED)


def stocktake_start(actor, *, reason: str = "", **data) -> StockTake:
    department = data.get("department")
    if department is not None and department.archived_at:
        raise ValidationError({"department": _("部门已归档 / the department is archived")})
    data.update(number=next_number(StockTake, "PD"), started_at=timezone.now(), started_by=actor,
                status=StockTake.Status.OPEN)
    return instance_create(actor, StockTake, data, department_field="department", reason=reason)


def stocktake_update(actor, stocktake: StockTake, *, reason: str = "", **data) -> StockTake:
    need_status(stocktake, StockTake.Status.OPEN)
    if "department" in data and data["department"] != stocktake.department and stocktake.items.exists():
        raise ValidationError({"department": _("已有盘点明细,不能更改范围 / items exist; the scope cannot change")})
    return instance_update(actor, stocktake, data, department_field="department", reason=reason)


def stocktake_archive(actor, stocktake: StockTake, *, reason: str = "") -> StockTake:
    need_status(stocktake, StockTake.Status.CLOSED, message=_("盘点完成后方可归档 / close the stock-take first"))
    return instance_archive(actor, stocktake, department_field="department", reason=reason)


def stocktake_confirm(actor, stocktake: StockTake, *, code: str, method: str = StockTakeItem.Method.SCAN,
                      found_department=None, found_location: str = "", note: str = "") -> StockTakeItem:
    """Confirm one device by its asset number (scanned from the label or ticked on the list)."""
    require(actor, "assets.stocktake.change", stocktake.department_id)
    need_status(stocktake, StockTake.Status.OPEN)
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": _("请扫描或输入资产编号 / scan or enter an asset number")})
    if method not in (StockTakeItem.Method.SCAN, StockTakeItem.Method.LIST):
        raise ValidationError({"method": _("方式无效 / invalid method")})
    equipment = Equipment.objects.filter(asset_no=code).first()
    if equipment is None or equipment.archived_at or equipment.status == Equipment.Status.SCRAPPED:
        result = Result.UNKNOWN
    elif not in_scope(stocktake).filter(pk=equipment.pk).exists():
        result = Result.ELSEWHERE
    elif found_department is not None and found_department.pk != equipment.department_id:
        result = Result.ELSEWHERE
    elif found_location.strip() and equipment.location and found_location.strip() != equipment.location:
        result = Result.ELSEWHERE
    else:
        result = Result.CONFIRMED
    item = StockTakeItem(stocktake=stocktake, equipment=equipment if result != Result.UNKNOWN else None, code=code,
                         result=result, method=method, found_department=found_department,
                         found_location=found_location.strip(), checked_by=actor, checked_at=timezone.now(), note=note)
    try:
        with audited_write():
            item.save()
            record(actor, "assets.stocktake.confirm", stocktake,
                   after={"code": code, "result": result, "method": method}, reason=note)
    except IntegrityError as exc:
        raise ValidationError({"code": _("%(c)s 已在本次盘点中登记 / %(c)s is already counted in this stock-take") % {"c": code}}) from exc
    return item


def stocktake_close(actor, stocktake: StockTake, *, reason: str = "") -> StockTake:
    """结束盘点: every device in scope not seen is reported missing; the counts are kept."""
    require(actor, "assets.stocktake.change", stocktake.department_id)
    need_status(stocktake, StockTake.Status.OPEN)
    now = timezone.now()
    with audited_write():
        seen = stocktake.items.exclude(equipment__isnull=True).values("equipment_id")
        missing = list(in_scope(stocktake).exclude(pk__in=seen).values_list("pk", "asset_no"))
        StockTakeItem.objects.bulk_create([
            StockTakeItem(stocktake=stocktake, equipment_id=pk, code=asset_no, result=Result.MISSING,
                          method=StockTakeItem.Method.CLOSE, checked_by=actor, checked_at=now)
            for pk, asset_no in missing])
        counts = Counter(stocktake.items.values_list("result", flat=True))
        before = snapshot(stocktake, ["status"])
        for result in Result.values:
            setattr(stocktake, result, counts.get(result, 0))
        stocktake.status, stocktake.closed_at, stocktake.closed_by = StockTake.Status.CLOSED, now, actor
        fields = ["status", "closed_at", "closed_by", *Result.values]
        stocktake.save(update_fields=fields)
        record(actor, "assets.stocktake.close", stocktake, before=before,
               after={**snapshot(stocktake, fields), "missing": [a for _pk, a in missing]}, reason=reason)
    return stocktake
