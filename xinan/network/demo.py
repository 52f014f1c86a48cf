"""The demo's IP plan beyond its bundle records (``core/bundles/demo.yaml``: subnets, network
access requests, allocations): a bundle holds records, not decisions, so the demo's requests are
approved here as its history, and one ARP-table import (``demo_observations.csv``) shows what the
checks find: two unregistered devices and one address changed without approval."""

from pathlib import Path

from . import access
from .models import NetworkAccessRequest
from .observations import observations_import

OBSERVATIONS = Path(__file__).with_name("demo_observations.csv")
PREFIX = "NR-DEMO-"


def settle(reason: str) -> None:
    pending = NetworkAccessRequest.objects.filter(status=NetworkAccessRequest.Status.SUBMITTED,
                                                  number__startswith=PREFIX).order_by("number")
    for request in pending:
        if request.number.endswith("-PENDING"):
            continue  # left waiting, so the demo shows a request to decide
        while request.status == NetworkAccessRequest.Status.SUBMITTED:
            access.access_request_approve(None, request, reason=reason)
    result = observations_import(None, file_name=OBSERVATIONS.name, content=OBSERVATIONS.read_bytes(), source="arp",
                                 note=reason)
    if not result.ok:
        raise ValueError("\n".join(result.errors))
