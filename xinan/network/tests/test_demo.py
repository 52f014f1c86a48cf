"""The demo's IP plan: its bundle records load through the services, its requests are approved,
and its ARP import shows the issue's example (two unregistered devices, one unapproved change)."""

from django.utils import timezone

from xinan.core.demo import load_demo
from xinan.network.models import IPAllocation, NetworkAccessRequest, Subnet
from xinan.policy.services import checks_run


def test_demo_ip_plan_and_its_findings(db):
    load_demo()
    assert Subnet.objects.count() == 6 and Subnet.objects.filter(version=6).count() == 1
    assert set(NetworkAccessRequest.objects.values_list("number", "status")) >= {
        ("NR-DEMO-006", "approved"), ("NR-DEMO-007-PENDING", "submitted")}
    public = IPAllocation.objects.get(ip="203.0.113.2")
    assert public.is_public and public.status == "active" and public.access_request.public_approved_at
    assert IPAllocation.objects.get(ip="10.20.1.101").status == "requested"
    network = {"p15.2.9-a", "p15.2.7", "p16.3.1", "p01.2.5-a", "p07.11", "p15.2.9-c", "p21.5.2.4", "p16.3.2",
               "p16.3.3", "p16.3.4"}
    found = sorted((f.clause, f.subject_label) for f in checks_run(as_of=timezone.now()).findings if f.clause in network)
    assert found == sorted(
        [(c, label) for c in ("p15.2.9-a", "p15.2.7") for label in
         ("10.10.30.77(f0:de:f1:77:00:01, android-7a1f)", "10.20.1.99(9c:b6:d0:99:00:01, laptop-guest)")]
        + [(c, "10.10.30.32 PC-0032") for c in ("p16.3.1", "p01.2.5-a", "p07.11")])
