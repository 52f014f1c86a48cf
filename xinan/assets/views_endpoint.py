"""Pages of endpoint observations beyond the generic registers: the upload of an endpoint tool's
export (all bad rows shown at once, nothing stored unless all are good) and one import with the
endpoint checks' findings evaluated now. Clauses: see ``checks_endpoint.py``."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinan.org import permissions

from .endpoint import IMPORT_PERM, endpoint_import
from .models import EndpointImport

VIEW_PERM = "assets.endpointimport.view"


class EndpointUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("终端监测文件(CSV 或 xlsx)"))
    source = forms.CharField(label=gettext_lazy("来源工具"), max_length=100, initial="桌管系统")
    note = forms.CharField(label=gettext_lazy("备注"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-control")


def endpoint_findings(imported_pk=None):
    """The endpoint checks evaluated now (a preview; the stored run follows every commit)."""
    from xinan.policy.services import checks_run

    from .checks_endpoint import CHECK_IDS

    result = checks_run(as_of=timezone.now(), subjects={"assets.endpointimport": {str(imported_pk)}})
    return [f for f in result.findings if f.check_id in CHECK_IDS]


@login_required
def endpoint_upload(request):
    permissions.require(request.user, VIEW_PERM)
    form = EndpointUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST":
        permissions.require(request.user, IMPORT_PERM)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = endpoint_import(request.user, file_name=upload.name, content=upload.read(),
                                     source=form.cleaned_data["source"], note=form.cleaned_data["note"])
            if result.ok:
                messages.success(request, _("已导入 %(n)d 条终端监测记录 / %(n)d endpoint observations imported")
                                 % {"n": result.imported.rows})
                return redirect("assets:endpoint_import_detail", pk=result.imported.pk)
            errors = result.errors
    imports = EndpointImport.objects.select_related("imported_by")[:20]
    return render(request, "assets/endpoint_upload.html", {
        "form": form, "errors": errors, "imports": imports,
        "can_import": permissions.has_perm(request.user, IMPORT_PERM),
    }, status=400 if (errors or form.errors) else 200)


@login_required
def endpoint_import_detail(request, pk):
    permissions.require(request.user, VIEW_PERM)
    imported = get_object_or_404(EndpointImport, pk=pk)
    events = permissions.scope_queryset(request.user, "assets.endpointevent.view", imported.events.all(), "department")
    return render(request, "assets/endpoint_import_detail.html", {
        "imported": imported, "findings": endpoint_findings(imported.pk),
        "events": events.select_related("device", "software").order_by("row_number")[:500],
    })
