"""Permissions for Django's machinery (``user.has_perm``) from the person's roles."""

from django.contrib.auth.backends import BaseBackend

from xinan.core import versions
from xinan.org import permissions

_users = versions.VersionedCache(size=4096)


class RoleBackend(BaseBackend):
    """Authentication itself goes through ``identity.services.login_attempt`` (lockout, audit);
    this backend only loads users and answers permission questions."""

    def get_user(self, user_id):
        """The active user with their person. In a GET request the row is kept until the
        account or person tables change (``versions``); each request gets its own copy, so
        what a request notes on its user never reaches another."""
        if not versions.in_request():
            return _read_user(user_id)
        return versions.fresh_copy(_users.get_or_build(user_id, lambda: _read_user(user_id)))

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and permissions.has_perm(user_obj, perm)


def _read_user(user_id):
    from .models import User

    return User.objects.select_related("person").filter(pk=user_id, is_active=True).first()

