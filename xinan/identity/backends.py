"""Permissions for Django's machinery (``user.has_perm``) from the person's roles."""

from django.contrib.auth.backends import BaseBackend

from xinan.org import permissions


class RoleBackend(BaseBackend):
    """Authentication itself goes through ``identity.services.login_attempt`` (lockout, audit);
    this backend only loads users and answers permission questions."""

    def get_user(self, user_id):
        from .models import User

        return User.objects.select_related("person").filter(pk=user_id, is_active=True).first()

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and permissions.has_perm(user_obj, perm)
