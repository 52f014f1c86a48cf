"""The sidebar menu as data.

``NAV`` holds the sections (the domains of the regulations); apps add items to them, usually in
their ``AppConfig.ready()`` (the register machinery adds one item per register)::

    from xinan.core.navigation import nav_register
    nav_register("audit", _("审计事件"), "audit:events", "audit.event.view", order=10)

An item is shown to a user only when its URL name resolves and the user holds its permission
(``xinan.org.permissions.has_perm``, whose grants are cached on the user object, so building the
menu costs at most the one grants query the page needs anyway). A section with no visible item is
not shown. Labels are lazy translations so the menu follows the request's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.signals import setting_changed
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from xinan.org.permissions import has_perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | tuple[str, ...] | None = None  # None: any signed-in user; a tuple: any of them
    order: int = 100
    icon: str | None = None


@dataclass
class NavSection:
    code: str
    label: str | None  # None: items shown at the top level, without a section heading
    icon: str = ""
    order: int = 100
    items: list[NavItem] = field(default_factory=list)


NAV: dict[str, NavSection] = {}

# Other names apps may use for a section (an app label rather than the section's code).
SECTION_ALIASES = {"network": "assets", "identity": "accounts", "compliance": "policy", "core": "home"}


_visible_cache: dict[tuple, tuple] = {}  # the visible items per language and set of grants
_VISIBLE_CACHE_SIZE = 256
_sidebar_cache: dict[tuple, str] = {}  # the rendered sidebar per visible items and active item
_SIDEBAR_CACHE_SIZE = 256


_generation = 0  # changes whenever the menu's sections or items change (pages framed with it key on it)


def _forget_menus() -> None:
    global _generation
    _visible_cache.clear()
    _sidebar_cache.clear()
    _generation += 1


def generation() -> int:
    """A number that changes whenever a section or an item is declared (``core.frames``)."""
    return _generation


def nav_section(code: str, label, icon: str = "", order: int = 100) -> NavSection:
    """Declare a section (or update its label, icon and place); returns it."""
    section = NAV.get(code)
    if section is None:
        section = NAV[code] = NavSection(code, label, icon, order)
    else:
        section.label, section.icon, section.order = label, icon, order
    _forget_menus()
    return section


def nav_register(section: str, label, url_name: str, permission=None, order: int = 100, icon: str | None = None) -> NavItem:
    """Add a menu item; registering the same URL name in a section again replaces the item."""
    code = SECTION_ALIASES.get(section, section)
    if code not in NAV:
        raise KeyError(f"unknown navigation section {section!r}; declare it with nav_section() first")
    if isinstance(permission, list):
        permission = tuple(permission)
    item = NavItem(label, url_name, permission, order, icon)
    items = NAV[code].items
    items[:] = [i for i in items if i.url_name != url_name] + [item]
    _forget_menus()
    return item


def nav_unregister(url_name: str) -> None:
    for section in NAV.values():
        section.items[:] = [i for i in section.items if i.url_name != url_name]
    _forget_menus()


# The domains of the architecture, in the order of the sidebar.
nav_section("home", None, order=0)
nav_section("org", _("组织与人员"), "users", 10)
nav_section("assets", _("资产与网络"), "server", 20)
nav_section("accounts", _("账号与口令"), "key", 30)
nav_section("customers", _("客户信息"), "address-book", 40)
nav_section("operations", _("运行维护"), "tool", 50)
nav_section("safety", _("安全事件与应急"), "alert-triangle", 60)
nav_section("governance", _("治理与处罚"), "gavel", 70)
nav_section("policy", _("合规与报告"), "report-analytics", 80)
nav_section("audit", _("审计"), "shield-check", 90)
nav_register("home", _("总览"), "core:dashboard", None, order=0, icon="layout-dashboard")


# -- resolving -------------------------------------------------------------------------------
_url_cache: dict[tuple, str | None] = {}


def _url(url_name: str) -> str | None:
    """The item's path, or None when the URL name does not exist (the app is not built yet)."""
    key = (url_name, get_urlconf(), get_script_prefix())
    if key not in _url_cache:
        try:
            _url_cache[key] = reverse(url_name)
        except NoReverseMatch:
            _url_cache[key] = None
    return _url_cache[key]


def _forget_urls(**kwargs):
    if kwargs.get("setting") == "ROOT_URLCONF":
        _url_cache.clear()
        _forget_menus()


setting_changed.connect(_forget_urls)


def _allowed(user, permission) -> bool:
    if permission is None:
        return True
    if isinstance(permission, str):
        return has_perm(user, permission)
    return any(has_perm(user, p) for p in permission)


@dataclass
class MenuItem:
    label: str
    url: str
    url_name: str
    icon: str | None
    active: bool = False


@dataclass
class MenuSection:
    code: str
    label: str | None
    icon: str
    items: list[MenuItem]
    active: bool = False


def build_menu(request) -> list[MenuSection]:
    """The sections and items this user may see, with the current page's item marked active."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    visible = _visible_for(user, visible_key(user))
    menu = [MenuSection(code, label, icon, [MenuItem(*item) for item in items]) for code, label, icon, items in visible]
    _mark_active(menu, request)
    return menu


def _visible_for(user, key) -> tuple:
    visible = _visible_cache.get(key) if key is not None else None
    if visible is None:
        visible = _visible(user)
        if key is not None:
            if len(_visible_cache) >= _VISIBLE_CACHE_SIZE:
                _visible_cache.clear()
            _visible_cache[key] = visible
    return visible


def visible_key(user) -> tuple | None:
    """What decides the visible items: the language and the user's granted codes (and token
    scopes). Users with the same grants see the same menu."""
    from django.utils.translation import get_language

    from xinan.org.permissions import _granted

    try:
        granted = _granted(user)
    except AttributeError:
        return None
    scopes = getattr(user, "_xinan_token_scopes", None)
    return (get_language(), get_urlconf(), get_script_prefix(), granted, tuple(scopes) if scopes is not None else None)


def _visible(user) -> tuple:
    sections = []
    for section in sorted(NAV.values(), key=lambda s: (s.order, s.code)):
        items = []
        for item in sorted(section.items, key=lambda i: (i.order, str(i.label))):
            url = _url(item.url_name)
            if url is not None and _allowed(user, item.permission):
                items.append((item.label, url, item.url_name, item.icon))
        if items:
            sections.append((section.code, section.label, section.icon, tuple(items)))
    return tuple(sections)


def _mark_active(menu: list[MenuSection], request) -> None:
    """The item whose URL name is the current view's, else the one whose path is the longest
    prefix of the current path (a detail page under a list marks the list)."""
    active = _active_item(((s.code, [(i.url, i.url_name) for i in s.items]) for s in menu), request)
    for section in menu:
        for item in section.items:
            if (section.code, item.url_name) == active:
                section.active = item.active = True
                return


def _active_item(sections, request) -> tuple | None:
    """(section code, URL name) of the active item among ``(code, [(url, url_name)])``."""
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else None
    path = request.path
    best, best_len = None, -1
    for code, items in sections:
        for url, url_name in items:
            if url_name == view_name:
                best, best_len = (code, url_name), 10**6
            elif url != "/" and path.startswith(url) and len(url) > best_len:
                best, best_len = (code, url_name), len(url)
    return best


# -- rendering -------------------------------------------------------------------------------
_SIDEBAR_TEMPLATE = "xinan/partials/sidebar.html"


def _menu_key(menu: list[MenuSection]) -> tuple:
    """Everything the sidebar shows: sections, items, labels (in the active language), icons, links."""
    return tuple((s.code, str(s.label or ""), s.icon, s.active,
                  tuple((str(i.label), i.url, i.icon, i.active) for i in s.items)) for s in menu)


def render_sidebar(request, icons_url: str) -> str:
    """The sidebar's HTML for this request.

    Rendered once per language, set of grants and active item, then reused: the menu is the same
    for every user with the same permissions, and rendering its hundred-odd links through the
    template engine cost more than the rest of a list page.
    """
    from django.template.loader import render_to_string
    from django.utils.translation import get_language

    user = getattr(request, "user", None)
    grants_key = visible_key(user) if user is not None and user.is_authenticated else None
    if grants_key is not None:
        visible = _visible_for(user, grants_key)
        active = _active_item(((code, [(url, name) for _l, url, name, _i in items]) for code, _l, _i, items in visible),
                              request)
        key = (grants_key, icons_url, active)
    else:  # no grants to key on: key on what the menu shows
        menu = getattr(request, "_xinan_nav_menu", None)
        if menu is None:
            menu = request._xinan_nav_menu = build_menu(request)
        key = (get_language(), icons_url, _menu_key(menu))
    html = _sidebar_cache.get(key)
    if html is None:
        menu = getattr(request, "_xinan_nav_menu", None)
        if menu is None:
            menu = request._xinan_nav_menu = build_menu(request)
        html = render_to_string(_SIDEBAR_TEMPLATE, {"nav_menu": menu, "xinan_icons": icons_url})
        if len(_sidebar_cache) >= _SIDEBAR_CACHE_SIZE:
            _sidebar_cache.clear()
        _sidebar_cache[key] = html
    return html
