"""Named sizes for ``xinan generate --preset`` and ``make bench``."""

PRESETS = {
    # The large organisation (customers wait for the customer vault).
    "large": dict(people=10_000, departments=200, devices=60_000, customers=500_000, audit_events=2_000_000, months=12),
    # What fits a quick run on a laptop; the committed figures say which preset they come from.
    "small": dict(people=500, departments=20, devices=3_000, customers=0, audit_events=100_000, months=12),
    # For tests.
    "tiny": dict(people=60, departments=4, devices=120, customers=0, audit_events=2_000, months=12),
}
