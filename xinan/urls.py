"""Top-level routes. Each app owns its ``urls.py``; registers get theirs from the registry."""

from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("xinan.core.urls")),
    path("account/", include("xinan.identity.urls")),
    path("audit/", include("xinan.audit.urls")),
    path("api/", include("xinan.api_urls")),
]
