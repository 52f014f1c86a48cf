"""Top-level routes. Each app owns its ``urls.py``; registers get theirs from the registry."""

from django.urls import include, path

from xinan.core.registers import registry
from xinan.core.views import register_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("xinan.core.urls")),
    path("account/tokens/", include("xinan.identity.token_urls")),
    path("account/", include("xinan.identity.urls")),
    path("audit/", include("xinan.audit.urls")),
    path("org/", include("xinan.org.urls")),
    path("assets/", include("xinan.assets.urls")),
    path("workflows/", include("xinan.workflows.urls")),
    path("tasks/", include("xinan.obligations.urls")),
    path("network/", include("xinan.network.urls")),
    path("policy/", include("xinan.policy.urls")),
    path("api/", include("xinan.api_urls")),
    path("", include((register_urls(registry), "registers"))),
]
