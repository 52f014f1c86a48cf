"""End-to-end in a real Chromium (Debian's /usr/bin/chromium driven by Playwright).

A system administrator logs in with a password and a TOTP second factor (enrolling it on first
login, p04.*, p21.5.1.5), registers a person; the security auditor finds that event in the audit
chain; the interface switches to English. Screenshots land in ``test-artifacts/screens/``.
"""

import os
import re
from pathlib import Path

import pyotp
import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENS = Path(os.environ.get("XINAN_SCREENS", Path(__file__).resolve().parents[3] / "test-artifacts" / "screens"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.browser  # make test installs Debian's chromium; without it this test fails


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
    # synchronous, so Django's async-safety guard is relaxed for this test only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _shot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def _login_with_second_factor(page, base, username, password, shot_prefix):
    page.goto(f"{base}/account/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    _shot(page, f"{shot_prefix}-01-login")
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/account/mfa/enroll/"))
    secret = page.inner_text("code.mfa-secret").strip().replace(" ", "")
    assert page.locator("svg").first.is_visible()  # the QR code is drawn
    _shot(page, f"{shot_prefix}-02-mfa-enroll")
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.locator("form:has(input[name=code]) button[type=submit]").click()
    page.locator("ol.recovery-codes").wait_for()
    assert page.locator("ol.recovery-codes li").count() == 10
    _shot(page, f"{shot_prefix}-03-recovery-codes")
    page.click("text=我已保存,继续")
    page.wait_for_load_state()
    return secret


@pytest.mark.django_db(transaction=True)
def test_login_with_mfa_create_person_find_audit_event_switch_language(live_server, browser, make_user, department):
    sysadmin = make_user("system_admin", name="李明", username="sysadmin", password="Qv7#Harbor2026")
    make_user("auditor", name="赵强", username="auditor", password="Tp9#Lantern2026")
    for user in (sysadmin,):
        assert not user.mfa_enabled
    base = live_server.url

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    _login_with_second_factor(page, base, "sysadmin", "Qv7#Harbor2026", "sysadmin")
    page.goto(f"{base}/")
    assert "李明" in page.content() or "sysadmin" in page.content()
    _shot(page, "sysadmin-04-dashboard")

    page.goto(f"{base}/org/people/add/")
    page.fill("input[name=employee_no]", "B0001")
    page.fill("input[name=name]", "浏览器测试员")
    page.select_option("select[name=department]", str(department.pk))
    page.fill("input[name=phone]", "13912345678")
    _shot(page, "sysadmin-05-person-form")
    page.locator("form:has(input[name=employee_no]) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/org/people/\d+/$"))
    assert "浏览器测试员" in page.content()
    _shot(page, "sysadmin-06-person-detail")

    page.goto(f"{base}/audit/")
    assert "403" in page.title() or page.locator("text=403").count() or "无权" in page.content()
    page.close()

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    _login_with_second_factor(page, base, "auditor", "Tp9#Lantern2026", "auditor")
    page.goto(f"{base}/audit/?action=org.person.create")
    row = page.locator("tr", has_text="浏览器测试员")
    assert row.count() >= 1
    assert "sysadmin" in row.first.inner_text()
    assert "13912345678" not in page.content()  # personal data never in clear in the audit pages
    _shot(page, "auditor-04-audit-events")

    page.click("form.xn-language button[value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Audit" in page.content()
    _shot(page, "auditor-05-audit-events-en")
    page.close()
