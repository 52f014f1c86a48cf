"""The demo organisation: an express-courier company (快递有限公司) with departments, posts,
about forty people, the three 三员 holders, department heads and a deputy general manager.

It is an organisation bundle (``bundles/demo.yaml``, format ``docs/bundle.md``) loaded like any
other: through the services, so the audit chain records the demo like any data.
"""

from pathlib import Path

from xinan.org.models import Person, Role

from .bundles import load_bundle, parse

BUNDLE = Path(__file__).parent / "bundles" / "demo.yaml"
REASON = "演示数据"


class DemoError(Exception):
    pass


def demo_loaded() -> bool:
    return Person.objects.exists()


def load_demo() -> list[tuple[str, str, str]]:
    """Loads the demo organisation; returns (username, password, roles) of the demo logins."""
    content = BUNDLE.read_bytes()
    result = load_bundle(content, name=BUNDLE.name, reason=REASON)
    if not result.ok:
        raise DemoError("\n".join(result.errors))
    from xinan.network.demo import settle  # the demo's network requests approved, one ARP import

    settle(REASON)
    bundle = parse(content, BUNDLE.name)
    names = dict(Role.objects.values_list("code", "name"))
    logins = []
    for account in bundle["accounts"]:
        roles = [names[g["role"]] for g in bundle["grants"] if g["person"] == account["person"]]
        logins.append((account["username"], account["password"], "、".join(str(r) for r in roles)))
    return logins
