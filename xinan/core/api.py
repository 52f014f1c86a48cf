"""The REST API (django-ninja): one ``NinjaAPI``; every register adds its router here.

Every operation requires authentication by default (``xinan.core.api_auth.default_auth``: a
personal API token, or the logged-in session with CSRF); errors are JSON in one shape (see
``api_auth``). The OpenAPI document is at ``/api/openapi.json`` and its Swagger UI at
``/api/docs``, served from the vendored ``static/vendor/swagger-ui`` so it works offline.
"""

import json

from django.shortcuts import render
from ninja import NinjaAPI, Schema
from ninja.openapi.docs import Swagger, _csrf_needed

from xinan.identity.token_api import router as token_router
from xinan.org import permissions

from .api_auth import default_auth, register_exception_handlers


class OfflineSwagger(Swagger):
    """Swagger UI from local static files; ninja's own page would load it from a CDN."""

    template = "api/docs.html"
    default_settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        # Swagger UI would otherwise ask validator.swagger.io to rate the schema.
        "validatorUrl": None,
        "persistAuthorization": False,
    }

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        # "<" escaped so nothing in the settings can close the <script> element holding them.
        context = {
            "swagger_settings": json.dumps(self.settings).replace("<", "\\u003c"),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)


api = NinjaAPI(
    title="xinan API",
    version="1",
    description="信安 REST API. 认证:个人 API 令牌(Authorization: Bearer xn_…)或已登录会话(带 CSRF)。"
    " / Authenticate with a personal API token (Authorization: Bearer xn_…) or a logged-in session (with CSRF).",
    urls_namespace="api",
    docs_url="/docs",
    docs=OfflineSwagger(),
    auth=default_auth,
)
register_exception_handlers(api)
api.add_router("/tokens", token_router)


class MeOut(Schema):
    username: str
    person: str | None
    roles: list[str]
    permissions: list[str]
    token_scopes: list[str] | None


def effective_permissions(user) -> list[str]:
    """The person's granted permission codes, narrowed by the token's scopes when there is one
    (for a pattern on either side, the narrower of the two is what the request may use)."""
    granted = {perm for perm, _scope, _dept in permissions._grants(user)}
    scopes = getattr(user, "_xinan_token_scopes", None)
    if scopes is None:
        return sorted(granted)
    result = set()
    for perm in granted:
        for scope in scopes:
            if permissions._matches(scope, perm):
                result.add(perm)
            elif permissions._matches(perm, scope):
                result.add(scope)
    return sorted(result)


@api.get("/me", response=MeOut, tags=["identity"], summary="当前用户 / the caller")
def me(request):
    """Who the request acts as: the account, the person, their active roles and the permissions
    this request may use."""
    user = request.auth
    person = user.person
    roles = []
    if person is not None and person.status == person.Status.ACTIVE:
        roles = sorted(person.role_assignments.filter(status="active").values_list("role__code", flat=True).distinct())
    return {
        "username": user.username,
        "person": person.name if person is not None else None,
        "roles": roles,
        "permissions": effective_permissions(user),
        "token_scopes": getattr(user, "_xinan_token_scopes", None),
    }
