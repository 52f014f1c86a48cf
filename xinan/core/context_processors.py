"""Template context every page gets: the sidebar menu, the signed-in user's name and roles, and
the icon sprite's URL.

They are lazy and computed at most once per request, so a page or fragment that does not show
them costs nothing.
"""

from django.templatetags.static import static
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext

from .navigation import build_menu


def _cached(request, attr, compute):
    if not hasattr(request, attr):
        setattr(request, attr, compute())
    return getattr(request, attr)


def _user_roles(request) -> list[str]:
    """Names of the roles the user actively holds (built-in names follow the page language)."""
    user = getattr(request, "user", None)
    person = getattr(user, "person", None) if user is not None and user.is_authenticated else None
    if person is None:
        return []
    from xinan.org.permissions import active_assignments

    roles = {a.role.code: a.role.name for a in active_assignments(user)}
    names = [roles[code] for code in sorted(roles)]
    # Built-in role names are stored as their Chinese msgids (xinan.org.roles), so gettext
    # gives the English name; an organisation's own role names pass through unchanged.
    return [gettext(name) for name in names]


def _display_name(request) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    person = getattr(user, "person", None)
    return person.name if person is not None else user.get_username()


def user_roles(request) -> list[str]:
    """The top bar's role names, computed once per request."""
    return _cached(request, "_xinan_user_roles", lambda: _user_roles(request))


def display_name(request) -> str:
    """The top bar's name of the user, computed once per request."""
    return _cached(request, "_xinan_display_name", lambda: _display_name(request))


def navigation(request):
    return {
        "nav_menu": SimpleLazyObject(lambda: _cached(request, "_xinan_nav_menu", lambda: build_menu(request))),
        "user_roles": SimpleLazyObject(lambda: user_roles(request)),
        "user_display_name": SimpleLazyObject(lambda: display_name(request)),
        # <svg class="icon"><use href="{{ xinan_icons }}#ti-NAME"></use></svg>; the names in the
        # sprite are listed in scripts/vendor_assets.sh.
        "xinan_icons": SimpleLazyObject(lambda: static("vendor/tabler-icons/sprite.svg")),
    }
