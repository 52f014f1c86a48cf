"""The compliance dashboard in a real Chromium (Debian's /usr/bin/chromium through Playwright): the
vendored ECharts draws every chart from the page's JSON, without console errors, and a click on a
domain's bar leads to that domain's clauses. Screenshot in ``test-artifacts/screens/``."""

import os
from pathlib import Path

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.conf import settings

from xinan.identity.session_keys import MFA_VERIFIED

from .test_dashboard import IMPLEMENTED, plant

CHROMIUM = "/usr/bin/chromium"
SCREENS = Path(os.environ.get("XINAN_SCREENS", Path(__file__).resolve().parents[3] / "test-artifacts" / "screens"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.browser


def _session(user) -> str:
    """A signed-in session with the second factor verified (the login flow has its own test)."""
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s[MFA_VERIFIED] = True
    s.create()
    return s.session_key


@pytest.mark.django_db(transaction=True)
def test_dashboard_charts_render(live_server, make_user, make_person, department):
    from playwright.sync_api import sync_playwright

    auditor = make_user("auditor", name="赵强")
    plant(IMPLEMENTED, "violation", ("org.person", make_person("张三").pk, "张三"), seen_days_ago=5)
    key = _session(auditor)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])
            page = context.new_page()
            errors = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{live_server.url}/policy/")
            for chart in ("overall", "trend", "domains", "departments"):
                page.locator(f"#chart-{chart} canvas").first.wait_for()
            SCREENS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENS / "policy-dashboard.png"), full_page=True)
            assert errors == []
            # The first bar of the domain chart is its first domain: a click opens its clauses.
            box = page.locator("#chart-domains canvas").first.bounding_box()
            page.wait_for_function("() => typeof echarts !== 'undefined'")
            target = page.evaluate("""() => {
                const chart = echarts.getInstanceByDom(document.getElementById('chart-domains'));
                const [x, y] = chart.convertToPixel({seriesIndex: 0}, [0.5, 0]);
                return {x, y};
            }""")
            page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
            page.wait_for_url("**/policy/clauses/?domain=*")
            assert page.locator('[data-testid="clause-table"]').is_visible()
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
