"""``POST /api/assets/endpoint/imports``: import an endpoint tool's export (终端监测记录) through
the service the page and the CLI use; every bad row at once as a 422; the answer carries the
endpoint checks' findings as of now."""

from django.core.exceptions import ValidationError
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from xinan.core.api import api

from .endpoint import endpoint_import

router = Router(tags=["终端监测 / endpoint observations"])


class EndpointImportOut(Schema):
    id: int
    rows: int
    file_digest: str
    findings: list[dict]


@router.post("/imports", response={201: EndpointImportOut}, operation_id="assets_endpoint_import")
def imports(request, file: File[UploadedFile], source: Form[str], note: Form[str] = ""):
    from .views_endpoint import endpoint_findings

    result = endpoint_import(request.auth, file_name=file.name or "upload.csv", content=file.read(), source=source,
                             note=note)
    if not result.ok:
        raise ValidationError({"file": result.errors})
    findings = endpoint_findings(result.imported.pk)
    return Status(201, {"id": result.imported.pk, "rows": result.imported.rows,
                        "file_digest": result.imported.file_digest, "findings": [f.as_json() for f in findings]})


api.add_router("/assets/endpoint", router)
