"""The page shell: dashboard, navigation, language switch, vendored static files, translations."""

import gettext as gettext_module
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinan.core import navigation
from xinan.core.navigation import nav_register

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


@pytest.fixture
def saved_nav():
    """Restores the menu registry after a test that adds items."""
    saved = {code: list(section.items) for code, section in navigation.NAV.items()}
    yield
    for code, items in saved.items():
        navigation.NAV[code].items[:] = items


@pytest.fixture
def audit_nav_item(saved_nav):
    """An 审计 item that needs audit.event.view, pointing at a URL that surely exists."""
    return nav_register("audit", "审计事件(测试)", "core:dashboard", "audit.event.view", order=1)


# -- dashboard ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_dashboard_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next=/"


def test_dashboard_shows_counts(make_user, make_person, make_department, department, login):
    from xinan.org import services
    from xinan.org.models import Role

    sub = make_department("信息科技部", parent=department)
    make_person("李四", dept=sub)
    gone = make_person("王五")
    services.person_depart(None, gone, reason="离职")  # no longer counted
    # A pending grant: requested, not yet approved.
    target = make_person("赵六")
    services.role_grant_request(None, person=target, role=Role.objects.get(code="staff"))

    user = make_user("security_admin")
    html = login(user).get("/").content.decode()

    from xinan.org.models import Department, Person, RoleAssignment

    departments = Department.objects.filter(archived_at__isnull=True).count()
    people = Person.objects.filter(archived_at__isnull=True, status="active").count()
    pending = RoleAssignment.objects.filter(status="pending").count()
    assert departments == 2 and pending == 1

    def stat(testid):
        block = re.search(rf'data-testid="{testid}".*?class="xn-stat-value">(\d+)<', html, re.S)
        assert block, testid
        return int(block.group(1))

    assert stat("card-departments") == departments
    assert stat("card-people") == people
    assert stat("card-pending-grants") == pending
    # security_admin holds no audit permission: no audit card.
    assert 'data-testid="card-audit"' not in html
    # Compliance: the computed rate, linking to the compliance dashboard (policy.report.view).
    assert 'data-testid="compliance-percent"' in html and 'href="/policy/"' in html


def test_dashboard_audit_card_for_auditor(make_user, login):
    from xinan.audit.models import AuditHead

    user = make_user("auditor")
    html = login(user).get("/").content.decode()
    head = AuditHead.objects.get(pk=1)
    assert 'data-testid="card-audit"' in html
    assert f'data-testid="audit-seq">{head.seq}<' in html
    assert head.hash in html


@pytest.mark.parametrize("role", ["security_admin", "auditor"])
def test_dashboard_queries_do_not_grow(make_user, make_person, make_department, login, role):
    """The page (menu, roles, every card) costs the same number of queries with 3 people or 23."""
    c = login(make_user(role))
    c.get("/")
    with CaptureQueriesContext(connection) as small:
        assert c.get("/").status_code == 200
    for i in range(20):
        make_person(f"人员{i}", dept=make_department(f"部门{i}"))
    c.get("/")  # as before the first count: what is kept between requests is read again once
    with CaptureQueriesContext(connection) as large:
        assert c.get("/").status_code == 200
    assert len(large) == len(small)
    assert len(small) <= 20  # session, user, session rules, grants, roles, 3 counts, audit head


# -- navigation --------------------------------------------------------------------------------

def test_navigation_hides_items_without_permission(make_user, login, audit_nav_item):
    """The audit item needs audit.event.view: hidden for system_admin (三员: the system
    administrator may not read audit events), shown for the auditor."""
    admin = make_user("system_admin")
    html = login(admin).get("/").content.decode()
    assert "审计事件(测试)" not in html
    assert "总览" in html

    auditor = make_user("auditor")
    html = login(auditor, Client()).get("/").content.decode()
    assert "审计事件(测试)" in html


def test_navigation_hides_unresolvable_url_and_marks_active(make_user, login, saved_nav):
    nav_register("governance", "未实现的页面", "governance:does_not_exist", None)
    user = make_user("staff")
    response = login(user).get("/")
    menu = response.context["nav_menu"]
    labels = [str(i.label) for s in menu for i in s.items]
    assert "未实现的页面" not in labels
    assert not any(s.code == "governance" for s in menu)  # a section with nothing visible is hidden
    active = [i for s in menu for i in s.items if i.active]
    assert [i.url_name for i in active] == ["core:dashboard"]
    assert 'aria-current="page"' in response.content.decode()


def test_navigation_marks_the_list_active_on_a_page_below_it(rf, make_user, saved_nav):
    """A detail page (/org/people/5/) marks the list item whose path is its longest prefix;
    the dashboard's "/" is never taken as a prefix."""
    from django.urls import reverse

    nav_register("org", "人员(测试)", "registers:people_list", None)
    nav_register("org", "部门(测试)", "registers:departments_list", None)
    path = reverse("registers:people_list") + "5/"
    request = rf.get(path)
    request.user = make_user("staff")
    request.resolver_match = None
    menu = navigation.build_menu(request)
    active = [(s.code, i.url_name) for s in menu for i in s.items if i.active]
    assert active == [("org", "registers:people_list")]
    assert [s.code for s in menu if s.active] == ["org"]


def test_nav_register_rejects_unknown_section():
    with pytest.raises(KeyError):
        nav_register("nope", "x", "core:dashboard", None)


def test_navigation_menu_is_empty_for_anonymous(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    assert navigation.build_menu(request) == []


# -- language ----------------------------------------------------------------------------------

def test_language_switch_to_english(make_user, login):
    user = make_user("security_admin")
    c = login(user)
    html = c.get("/").content.decode()
    assert '<html lang="zh-hans">' in html and "待批准的角色授权" in html

    response = c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = c.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Role grants awaiting approval" in html
    assert "Security and Confidentiality Administrator" in html  # the built-in role's name
    assert "待批准的角色授权" not in html


def test_english_catalogue_is_complete_and_compiled():
    """Every msgid of the English .po has a translation, and the committed .mo carries exactly
    those translations (so nobody forgot compilemessages after editing the .po)."""
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = _parse_po(po)
    assert len(entries) > 50
    empty = [msgid for msgid, msgstr in entries.items() if not any(msgstr)]
    assert not empty, f"untranslated: {empty[:10]}"
    with open(LOCALE / "django.mo", "rb") as fh:
        catalog = gettext_module.GNUTranslations(fh)._catalog
    for msgid, msgstr in entries.items():
        if isinstance(msgid, tuple):  # plural: (singular, plural)
            assert catalog.get((msgid[0], 0)) == msgstr[0], msgid
        else:
            assert catalog.get(msgid) == msgstr[0], msgid


def _parse_po(text: str) -> dict:
    """msgid (or (msgid, msgid_plural)) -> [msgstr, ...] for every non-obsolete, non-fuzzy entry."""
    def unquote(lines):
        return "".join(eval(line) for line in lines)  # noqa: S307 - po strings are C-quoted literals

    entries, fuzzy = {}, False
    for block in text.split("\n\n"):
        lines = [l for l in block.strip().splitlines() if not l.startswith("#~")]
        if not lines:
            continue
        fuzzy = any(l.startswith("#,") and "fuzzy" in l for l in lines)
        fields, current = {}, None
        for line in lines:
            if line.startswith("#"):
                continue
            m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
            if m:
                current = m.group(1)
                fields[current] = [m.group(2)]
            elif line.startswith('"') and current:
                fields[current].append(line)
        if "msgid" not in fields:
            continue
        msgid = unquote(fields["msgid"])
        if not msgid:
            continue  # the header
        assert not fuzzy, f"fuzzy entry: {msgid}"
        if "msgctxt" in fields:
            msgid = f"{unquote(fields['msgctxt'])}\x04{msgid}"
        if "msgid_plural" in fields:
            key = (msgid, unquote(fields["msgid_plural"]))
            entries[key] = [unquote(v) for k, v in sorted(fields.items()) if k.startswith("msgstr[")]
        else:
            entries[msgid] = [unquote(fields["msgstr"])]
    return entries


# -- static files ------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("path", [
    "vendor/tabler/css/tabler.min.css",
    "vendor/tabler/js/tabler.min.js",
    "vendor/htmx/htmx.min.js",
    "vendor/echarts/echarts.min.js",
    "vendor/tabler-icons/sprite.svg",
    "xinan/xinan.css",
    "xinan/xinan.js",
])
def test_vendored_static_files_are_served(client, path):
    response = client.get(settings.STATIC_URL + path)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(body) > 500


def test_page_loads_vendored_assets_and_sends_csrf_to_htmx(make_user, login):
    html = login(make_user("staff")).get("/").content.decode()
    for asset in ("vendor/tabler/css/tabler.min.css", "vendor/htmx/htmx.min.js", "vendor/tabler/js/tabler.min.js"):
        assert f"/static/{asset}" in html
    token = re.search(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""", html)
    assert token and len(token.group(1)) >= 32


def test_vendored_versions_match_package_json():
    import json

    root = Path(settings.BASE_DIR).parent
    pins = json.loads((root / "package.json").read_text())["dependencies"]
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in pins.values()), pins  # exact pins, no ranges
    shipped = json.loads((Path(settings.BASE_DIR) / "static" / "vendor" / "VERSIONS.json").read_text())
    assert shipped == pins


def test_chinese_is_the_default_whatever_the_browser_says(client, make_user, login):
    """The interface is zh-Hans first; only the language switch changes it."""
    login(make_user("staff"))
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    client.cookies["django_language"] = "en"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")["Content-Language"] == "en"
