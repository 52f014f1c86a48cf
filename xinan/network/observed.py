"""What the network checks compare, read once per check run: the latest observation of each
device within the observation window, the live and released allocations, and the open subnets of
the IP plan — matched in memory by MAC, by address and by prefix.

Five checks (p15.2.9-a, p16.3.1, p07.11, p15.2.7, p16.3.2) ask the same questions of every latest
observation. As correlated SQL subqueries each of them cost a query per observed device: on the
large preset (45,000 leases, 60,000 allocations) 2.9 s of a full ``xinan check`` on SQLite. Read
here once per run (``policy.checks.shared``) and joined by dictionaries, the five take a fraction
of that; the rules are those of the SQL they replace, NULLs included (an allocation without
``identity_since`` or ``activated_at`` never compares as earlier or later).
"""

import bisect
from collections import defaultdict
from datetime import datetime
from typing import NamedTuple

from django.db import connection

from xinan.core.moments import as_text, from_text

from .models import IPAllocation, Observation, Subnet

OBSERVED = ("pk", "ip", "mac", "hostname", "domain", "seen_at", "version", "ip_key")
ALLOCATED = ("pk", "ip", "mac", "hostname", "domain", "version", "ip_key", "device_label", "status",
             "activated_at", "identity_since")


class Allocation(NamedTuple):
    """A live allocation as the checks compare it (a tuple: 60,000 of them are built per run)."""

    pk: int
    ip: str
    mac: str
    hostname: str
    domain: str
    version: int
    ip_key: str
    device_label: str
    status: str
    activated_at: datetime | None
    identity_since: datetime | None


class ObservedNetwork:
    def __init__(self, cutoff: datetime, as_of: datetime):
        window = (Observation.objects.filter(seen_at__gte=cutoff, seen_at__lte=as_of)
                  .order_by("seen_at", "pk").values_list(*OBSERVED))
        newest_by_mac, newest_by_ip = {}, {}
        for values in _rows(window, {5}):  # ascending: the last one kept is the latest
            row = dict(zip(OBSERVED, values))
            if row["mac"]:
                newest_by_mac[row["mac"]] = row
            else:
                newest_by_ip[(row["version"], row["ip_key"])] = row
        order = lambda row: (row["seen_at"], row["pk"])  # noqa: E731 - the model's ordering, reversed below
        self.with_mac = sorted(newest_by_mac.values(), key=order, reverse=True)
        self.without = sorted(newest_by_ip.values(), key=order, reverse=True)

        self.live_by_mac, self.live_by_ip = defaultdict(list), defaultdict(list)
        live = (IPAllocation.objects.filter(status__in=IPAllocation.LIVE, archived_at__isnull=True)
                .order_by("pk").values_list(*ALLOCATED))
        for values in _rows(live, {9, 10}):
            allocation = Allocation(*values)
            if allocation.mac:
                self.live_by_mac[allocation.mac].append(allocation)
            self.live_by_ip[(allocation.version, allocation.ip_key)].append(allocation)

        self.released_by_mac, self.released_by_ip = defaultdict(list), defaultdict(list)
        released = (IPAllocation.objects.filter(status=IPAllocation.Status.RELEASED, released_at__isnull=False)
                    .values_list("mac", "version", "ip_key", "released_at"))
        for mac, version, ip_key, at in _rows(released, {3}):
            if mac:
                self.released_by_mac[mac].append(at)
            self.released_by_ip[(version, ip_key)].append(at)

        self.plan: dict[int, tuple[list, list]] = {}
        subnets = Subnet.objects.filter(archived_at__isnull=True).order_by("version", "first_key")
        for version, first, last, public in subnets.values_list("version", "first_key", "last_key", "is_public"):
            firsts, rest = self.plan.setdefault(version, ([], []))
            firsts.append(first)
            rest.append((last, public))

    # -- the questions of the checks ----------------------------------------------------------

    def live_with_mac(self, mac: str) -> list[Allocation]:
        return self.live_by_mac.get(mac, []) if mac else []

    def live_at(self, row) -> list[Allocation]:
        return self.live_by_ip.get((row["version"], row["ip_key"]), [])

    def released_since(self, row) -> bool:
        """An allocation of this MAC or address released at or after the observation."""
        seen = row["seen_at"]
        times = self.released_by_ip.get((row["version"], row["ip_key"]), [])
        if row["mac"]:
            times = times + self.released_by_mac.get(row["mac"], [])
        return any(at >= seen for at in times)

    def subnet_of(self, row) -> tuple | None:
        """(last key, public) of the open subnet holding the address, or None: open prefixes never
        overlap, so only the one starting last at or before the address can hold it."""
        return self.subnet_at(row["version"], row["ip_key"])

    def subnet_at(self, version: int, ip_key: str) -> tuple | None:
        firsts, rest = self.plan.get(version, ((), ()))
        i = bisect.bisect_right(firsts, ip_key) - 1
        if i < 0 or rest[i][0] < ip_key:
            return None
        return rest[i]

    def in_plan(self, row) -> bool:
        return self.subnet_of(row) is not None

    def is_public(self, row) -> bool:
        subnet = self.subnet_of(row)
        return subnet is not None and subnet[1]


def _rows(values_qs, moments: set):
    """The rows of a ``values_list`` query, its columns at ``moments`` as aware datetimes. Read
    through the cursor, the moments as text: Django's per-value converters were most of the time
    of reading 100,000 rows on SQLite, and on PostgreSQL Django's ``timestamptz`` loader (psycopg's
    Python parser) cost 6 µs a value, 0.7 s for the live allocations of the large preset."""
    names = list(values_qs.query.values_select)
    values_qs = values_qs.values_list(*[as_text(name) if i in moments else name for i, name in enumerate(names)])
    sql, params = values_qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            for values in batch:
                values = list(values)
                for i in moments:
                    values[i] = from_text(values[i])
                yield values


def identified_before(allocation: Allocation, seen_at: datetime) -> bool:
    """The allocation's present identity was in force when the device was seen."""
    return allocation.identity_since is not None and allocation.identity_since <= seen_at
