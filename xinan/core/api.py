"""The REST API (django-ninja): one ``NinjaAPI``; every register adds its router here."""

from ninja import NinjaAPI

api = NinjaAPI(title="xinan API", version="1", urls_namespace="api", docs_url="/docs")
