"""Reads of the IP plan: subnet utilisation, the findings an observation import led to."""

import ipaddress
from dataclasses import dataclass

from django.db.models import Count, Q

from xinan.org import permissions

from . import addresses
from .models import IPAllocation, Subnet


@dataclass
class Utilisation:
    subnet: Subnet
    usable: int
    active: int
    requested: int

    @property
    def free(self) -> int:
        return max(self.usable - self.active - self.requested, 0)

    @property
    def percent(self) -> float:
        return round(100 * (self.active + self.requested) / self.usable, 1) if self.usable else 0.0


def subnet_utilisation(user) -> list[Utilisation]:
    """Per open subnet the user may see: usable addresses, active and reserved allocations, free
    (one query: the counts are aggregated in SQL; sizes come from the prefix itself)."""
    qs = permissions.scope_queryset(user, "network.subnet.view", Subnet.objects.filter(archived_at__isnull=True),
                                    "department")
    qs = qs.select_related("department").annotate(
        active=Count("allocations", filter=Q(allocations__status=IPAllocation.Status.ACTIVE)),
        requested=Count("allocations", filter=Q(allocations__status=IPAllocation.Status.REQUESTED)),
    ).order_by("version", "first_key")
    return [Utilisation(subnet=s, usable=addresses.usable_hosts(ipaddress.ip_network(s.cidr)), active=s.active,
                        requested=s.requested) for s in qs]
