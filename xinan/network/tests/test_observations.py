"""Importing observed facts: a CSV of IP, MAC and host name as a DHCP lease file or an ARP table
gives them; every bad row reported at once, nothing stored unless all are good."""

import pytest
from django.core.exceptions import PermissionDenied

from xinan.audit.models import AuditEvent
from xinan.core.testing import workbook_bytes
from xinan.network.models import Observation, ObservationImport
from xinan.network.observations import observations_import

from .conftest import csv_bytes, moment, stamp


def test_a_good_file_is_stored_normalised_and_audited(db):
    seen = moment()
    content = csv_bytes([["192.168.10.5", "AA-BB-CC-DD-EE-05", "PC-05.corp.local", stamp(seen)],
                         ["2001:DB8::5", "aabb.ccdd.ee06", "", ""]])
    result = observations_import(None, file_name="leases.csv", content=content, source="dhcp")
    assert result.ok, result.errors
    rows = list(Observation.objects.order_by("row_number").values("ip", "mac", "hostname", "domain", "seen_at"))
    assert rows[0] == {"ip": "192.168.10.5", "mac": "aa:bb:cc:dd:ee:05", "hostname": "pc-05", "domain": "corp.local",
                       "seen_at": seen}
    assert rows[1]["ip"] == "2001:db8::5" and rows[1]["mac"] == "aa:bb:cc:dd:ee:06"
    event = AuditEvent.objects.get(action="network.observationimport.create")
    assert event.after["rows"] == 2 and event.after["source"] == "dhcp" and len(event.after["file_digest"]) == 64


def test_every_bad_row_is_reported_and_nothing_is_stored(db):
    content = csv_bytes([["192.168.10.5", "aa:bb:cc:dd:ee:05", "pc-05", ""],
                         ["192.168.10.300", "aa:bb:cc:dd:ee:06", "pc-06", ""],
                         ["192.168.10.7", "not-a-mac", "bad host!", "yesterday"]])
    result = observations_import(None, file_name="arp.csv", content=content, source="arp")
    assert not result.ok
    assert result.errors[0].startswith("第3行 IP地址: “192.168.10.300”不是有效的 IP 地址")
    assert [e.split(":")[0] for e in result.errors] == ["第3行 IP地址", "第4行 MAC地址", "第4行 主机名", "第4行 发现时间"]
    assert not ObservationImport.objects.exists() and not Observation.objects.exists()


def test_header_without_ip_or_with_unknown_columns_is_refused(db):
    result = observations_import(None, file_name="x.csv", content=csv_bytes([["aa:bb:cc:dd:ee:05"]], header=("mac", "端口")))
    assert any("缺少 IP 地址列" in e for e in result.errors) and any("端口" in e for e in result.errors)
    assert not observations_import(None, file_name="x.csv", content=b"").ok
    assert "不是有效的 Excel" in observations_import(None, file_name="x.xlsx", content=b"junk").errors[0]


def test_chinese_headers_gb18030_and_xlsx_are_read(db):
    content = csv_bytes([["10.0.0.1", "aa:bb:cc:dd:ee:01", "前台"]], header=("IP地址", "MAC地址", "计算机名"))
    assert not observations_import(None, file_name="x.csv", content=content).ok  # 前台 is no host name
    content = csv_bytes([["10.0.0.1", "aa:bb:cc:dd:ee:01", "qiantai"]], header=("IP地址", "MAC地址", "主机名"),
                        encoding="gb18030")
    assert observations_import(None, file_name="x.csv", content=content).ok
    book = workbook_bytes([["ip", "mac"], ["10.0.0.2", "aa:bb:cc:dd:ee:02"]])
    assert observations_import(None, file_name="arp.xlsx", content=book, source="arp").ok
    assert Observation.objects.count() == 2


def test_only_holders_of_the_import_permission_import(make_user):
    with pytest.raises(PermissionDenied):
        observations_import(make_user("staff"), file_name="x.csv", content=csv_bytes([["10.0.0.1", "", "", ""]]))
    assert observations_import(make_user("system_admin"), file_name="x.csv",
                               content=csv_bytes([["10.0.0.1", "", "", ""]])).ok
