"""A bundle with planted violations, loaded through the services, and the exact findings
``xinan check --format json`` gives for it (p21.5.1.2-b, p08.10.4-a, p16.2.1-a)."""

import io
import json
from pathlib import Path

from django.core.management import call_command

from xinan.core.bundles.loader import load_bundle
from xinan.policy.models import Finding

BUNDLE = Path(__file__).parent / "bundles" / "planted.yaml"


def _check_json(clause):
    out = io.StringIO()
    try:
        call_command("check", clause=clause, format="json", stdout=out)
    except SystemExit:
        pass
    return [{k: f[k] for k in ("clause", "severity", "subject")} for f in json.loads(out.getvalue())]


def test_planted_bundle_gives_exactly_the_planted_findings(db):
    Finding.objects.all().delete()  # findings of the empty database's vacancy check (migrate runs it)
    result = load_bundle(BUNDLE.read_bytes(), name=BUNDLE.name)
    assert not result.errors, result.errors
    from xinan.assets.models import Equipment
    from xinan.org.models import Post

    clerk = Post.objects.get(code="CLERK")
    server = Equipment.objects.get(asset_no="SRV-9001")

    assert _check_json("p21.5.1.2-b") == [
        {"clause": "p21.5.1.2-b", "severity": "warning",
         "subject": {"type": "org.post", "id": str(clerk.pk), "label": "文员(CLERK)"}}]
    vacancies = _check_json("p08.10.4-a")
    assert [f["clause"] for f in vacancies] == ["p08.10.4-a", "p08.10.4-a"]
    from xinan.org.models import Role

    vacant = {str(Role.objects.get(code=c).pk) for c in ("auditor", "system_admin")}
    assert {f["subject"]["id"] for f in vacancies} == vacant
    assert {f["subject"]["type"] for f in vacancies} == {"org.role"}
    servers = _check_json("p16.2.1-a")
    assert [(f["clause"], f["subject"]["type"], f["subject"]["id"]) for f in servers] == [
        ("p16.2.1-a", "assets.equipment", str(server.pk))]
