"""Pages for the infrastructure records beyond the generic registers: deciding on a remote-access
application (p15.2.26-a) and uploading observed device facts (VPN accounts, port scans, switch
ports) with the findings they lead to. Every write calls a service."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import remote_access
from .facts import facts_import
from .forms import ReasonForm, styled
from .models import FactImport, RemoteAccessApplication
from .views import _errors, _need, _visible

DECISIONS = {"approve": remote_access.remote_access_approve, "reject": remote_access.remote_access_reject,
             "withdraw": remote_access.remote_access_withdraw}


@login_required
def remote_decide(request, pk):
    application = _visible(request, RemoteAccessApplication, "network.remoteaccessapplication.view", pk)
    form = styled(ReasonForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        action = DECISIONS.get(request.POST.get("decision", ""))
        if action is None:
            form.add_error(None, _("未知操作 / unknown decision"))
        else:
            try:
                action(request.user, application, note=form.cleaned_data["reason"])
                messages.success(request, _("已处理 / done"))
                return redirect("registers:remote-access_detail", pk=application.pk)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, "; ".join(_errors(exc)))
    return render(request, "network/remote_decide.html", {"form": form, "object": application},
                  status=400 if form.errors else 200)


class FactUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("文件(CSV、xlsx 或 nmap XML)"))
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=FactImport.Kind.choices)
    seen_at = forms.DateTimeField(label=gettext_lazy("观测时间"), required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    note = forms.CharField(label=gettext_lazy("备注"), required=False, max_length=200)


@login_required
def fact_upload(request):
    _need(request, "network.fact.view")
    form = styled(FactUploadForm(request.POST or None, request.FILES or None))
    errors, findings = [], None
    if request.method == "POST":
        _need(request, "network.fact.import")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = facts_import(request.user, kind=form.cleaned_data["kind"], file_name=upload.name,
                                  content=upload.read(), seen_at=form.cleaned_data["seen_at"],
                                  note=form.cleaned_data["note"])
            if result.ok:
                messages.success(request, _("已导入 %(n)d 条记录 / %(n)d rows imported") % {"n": result.imported.rows})
                from xinan.policy.services import checks_run

                findings = checks_run(as_of=timezone.now(),
                                      subjects={"network.factimport": {str(result.imported.pk)}}).findings
            else:
                errors = result.errors
    return render(request, "network/fact_upload.html", {
        "form": form, "errors": errors, "findings": findings,
        "imports": FactImport.objects.select_related("imported_by")[:20],
        "can_import": "network.fact.import" in _perms(request),
    }, status=400 if errors else 200)


def _perms(request):
    from xinan.org.permissions import has_perm

    return {p for p in ("network.fact.import",) if has_perm(request.user, p)}
