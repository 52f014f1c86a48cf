"""盘点 (p15.5.3-b 每年清点一次; p06.9-b/p15.6.6 盘亏未查明): confirmed by QR scan or list,
found elsewhere, missing and unknown reported; the result kept with the closed session."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from .. import services
from ..models import StockTakeItem
from .conftest import plant


@pytest.fixture
def take(admin, dept):
    return services.stocktake_start(admin, title="2025 年度盘点", department=dept)


def test_stocktake_results(take, device, admin, other_dept, person):
    here, moved, lost = device(location="三楼"), device(location="三楼"), device()
    away = services.equipment_create(None, asset_no="OPS-9", department=other_dept,
                                     responsible=person(department=other_dept))
    assert services.stocktake_confirm(admin, take, code=here.asset_no).result == "confirmed"
    assert services.stocktake_confirm(admin, take, code=moved.asset_no, found_location="五楼").result == "elsewhere"
    assert services.stocktake_confirm(admin, take, code=away.asset_no).result == "elsewhere"
    assert services.stocktake_confirm(admin, take, code="NOPE-1", method="list").result == "unknown"
    with pytest.raises(ValidationError):
        services.stocktake_confirm(admin, take, code=here.asset_no)  # counted once
    services.stocktake_close(admin, take)
    take.refresh_from_db()
    assert (take.status, take.confirmed, take.elsewhere, take.missing, take.unknown) == ("closed", 1, 2, 1, 1)
    assert StockTakeItem.objects.get(stocktake=take, result="missing").equipment == lost
    with pytest.raises(ValidationError):
        services.stocktake_confirm(admin, take, code=lost.asset_no)  # closed: the result is kept


def test_p15_5_3_b_yearly_and_p06_9_b_missing(take, device, admin, dept, run):
    pc, lost = device(), device()
    for e in (pc, lost):
        plant(e, registered_at=timezone.now() - timedelta(days=400))
    assert [f.subject_id for f in run("p15.5.3-b")] == [str(dept.pk)]
    services.stocktake_confirm(admin, take, code=pc.asset_no)
    services.stocktake_close(admin, take)
    assert run("p15.5.3-b") == []
    assert [f.subject_id for f in run("p06.9-b")] == [str(lost.pk)]
    from xinan.policy.checks import registry

    assert [c.id for c in registry.for_clause("p15.6.6")] == ["p06.9-b"]  # 机房物品不得挪用外借: the same check
    assert [f.subject_id for f in run("p15.5.3-b", as_of=timezone.now() + timedelta(days=370))] == [str(dept.pk)]
    again = services.stocktake_start(admin, title="复盘", department=dept)
    services.stocktake_confirm(admin, again, code=lost.asset_no)
    services.stocktake_confirm(admin, again, code=pc.asset_no)
    services.stocktake_close(admin, again)
    assert run("p06.9-b") == []


def test_qr_label_opens_the_scan_page_and_confirms(take, device, admin, login):
    pc = device()
    client = login(admin)
    label = client.get(reverse("assets:equipment_label", args=[pc.pk])).content.decode()
    assert "<svg" in label and pc.asset_no in label
    url = reverse("assets:scan", args=[pc.asset_no])
    page = client.get(url).content.decode()
    assert take.number in page and "确认盘到" in page
    response = client.post(url, {"stocktake": take.pk, "found_location": ""})
    assert response.status_code == 302
    assert StockTakeItem.objects.get(stocktake=take, code=pc.asset_no).method == "scan"


def test_bulk_labels_encode_the_scan_url(device, admin, login):
    import segno

    first, second = device(), device()
    body = login(admin).get(reverse("assets:labels")).content.decode()
    assert body.count("<svg") == 2 and first.asset_no in body and second.asset_no in body
    expected = segno.make(f"http://testserver/assets/scan/{first.asset_no}/", error="m").svg_inline(
        scale=3, border=1, omitsize=True)
    assert expected in body


def test_run_page_confirms_from_the_list_and_closes(take, device, admin, login):
    a, b = device(), device()
    client = login(admin)
    url = reverse("assets:stocktake_run", args=[take.pk])
    assert a.asset_no in client.get(url).content.decode()
    client.post(url, {"action": "list", "code": [a.asset_no]})
    client.post(url, {"action": "close"})
    take.refresh_from_db()
    assert (take.status, take.confirmed, take.missing) == ("closed", 1, 1)
    printed = client.get(reverse("registers:stocktakes_print", args=[take.pk])).content.decode()
    assert b.asset_no in printed and "盘亏" in printed
