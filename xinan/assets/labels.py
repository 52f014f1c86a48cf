"""QR labels (资产标签): each encodes the stock-take scan URL of its asset number, so scanning a
label with any phone opens the device's page with a one-tap stock-take confirmation."""

import segno
from django.urls import reverse


def scan_url(request, asset_no: str) -> str:
    return request.build_absolute_uri(reverse("assets:scan", args=[asset_no]))


def qr_svg(text: str) -> str:
    """An inline SVG (no XML declaration), sized by the label's CSS."""
    return segno.make(text, error="m").svg_inline(scale=3, border=1, omitsize=True)


def label(request, equipment) -> dict:
    url = scan_url(request, equipment.asset_no)
    return {"asset_no": equipment.asset_no, "kind": equipment.get_kind_display(),
            "model": equipment.brand_model, "department": str(equipment.department),
            "responsible": equipment.responsible.name if equipment.responsible_id else "",
            "classification": equipment.get_classification_display(), "url": url, "svg": qr_svg(url)}
