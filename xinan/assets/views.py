"""Pages of the assets domain beyond the generic registers: the 办理 (steps) page of each record
with approvals, the responsible-person filing, QR labels (single and bulk, A4), the scan landing
page a label opens, the stock-take run page and the remnants batch. Every write calls a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from xinan.core.registers import registry
from xinan.core.selectors import register_rows, visible_rows
from xinan.core.views import attach_errors
from xinan.org import permissions
from xinan.org.forms import styled

from . import labels, services, steps
from .forms import ConfirmForm, RemnantForm, ResponsibleForm
from .models import Equipment, StockTake, StockTakeItem


def _form(form_class, data=None, subject=None):
    kwargs = {"subject": subject} if "subject" in form_class.__init__.__code__.co_varnames else {}
    return styled(form_class(data, **kwargs))


def _refusal(form, exc):
    attach_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))


def _instances(obj):
    """The record's workflow instances (the engine's page shows their timeline)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    if not apps.is_installed("xinan.workflows"):
        return []
    from xinan.workflows.models import WorkflowInstance

    return list(WorkflowInstance.objects.filter(subject_type=ContentType.objects.get_for_model(obj),
                                                subject_id=str(obj.pk)).select_related("current_step")
                .order_by("-started_at"))


def _fields(obj):
    from xinan.core.selectors import cell_value

    return [(str(f.verbose_name), cell_value(obj, f.name)) for f in obj._meta.concrete_fields
            if f.name not in ("id", "archived_at") and cell_value(obj, f.name) not in (None, "")]


@login_required
def record_steps(request, slug, pk):
    """办理: the record, its history of steps, and the forms of the steps the user may take now."""
    register = registry.get(slug)
    obj = get_object_or_404(visible_rows(register, request.user), pk=pk)
    can = lambda perm: permissions.has_perm(request.user, perm)  # noqa: E731
    chosen, failed_form = request.POST.get("step"), None
    if request.method == "POST":
        step = steps.find(slug, chosen)
        if step is None or step not in steps.available(slug, obj, can):
            raise PermissionDenied(_("当前不能办理此步骤 / this step is not available now"))
        form = _form(step.form, request.POST, obj)
        if form.is_valid():
            try:
                step.call(request.user, obj, dict(form.cleaned_data))
                messages.success(request, _("已办理:%(s)s / done: %(s)s") % {"s": step.label})
                return redirect(request.path)
            except (ValidationError, PermissionDenied) as exc:
                _refusal(form, exc)
        failed_form = form
    offered = [(st, failed_form if st.name == chosen and failed_form is not None else _form(st.form, None, obj))
               for st in steps.available(slug, obj, can)]
    return render(request, "assets/steps.html", {
        "register": register, "object": obj, "offered": offered, "fields": _fields(obj),
        "instances": _instances(obj),
        "detail_url": reverse(f"registers:{slug}_detail", args=[obj.pk]),
        "print_url": reverse(f"registers:{slug}_print", args=[obj.pk]),
    }, status=400 if failed_form is not None else 200)


@login_required
def equipment_responsible(request, pk):
    """负责人变更备案 for one device (p01.2.1-c)."""
    equipment = get_object_or_404(visible_rows(registry.get("equipment"), request.user), pk=pk)
    permissions.require(request.user, "assets.responsiblechange.add")
    form = _form(ResponsibleForm, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.responsible_change_file(request.user, equipment=equipment, **form.cleaned_data)
            messages.success(request, _("负责人变更已备案 / filed"))
            return redirect("registers:equipment_detail", pk=equipment.pk)
        except (ValidationError, PermissionDenied) as exc:
            _refusal(form, exc)
    return render(request, "assets/simple_form.html", {
        "title": _("负责人变更备案"), "subject": equipment, "form": form,
        "back": reverse("registers:equipment_detail", args=[equipment.pk])}, status=400 if form.errors else 200)


def _label_rows(request, queryset):
    return [labels.label(request, e) for e in queryset]


@login_required
def equipment_label(request, pk):
    equipment = get_object_or_404(visible_rows(registry.get("equipment"), request.user), pk=pk)
    return render(request, "assets/labels.html", {"labels": _label_rows(request, [equipment])})


@login_required
def labels_bulk(request):
    """标签批量打印: the register's filtered list as an A4 grid of QR labels."""
    register = registry.get("equipment")
    permissions.require(request.user, register.perm("view"))
    qs, _cleaned = register_rows(register, request.user, request.GET)
    ids = [int(i) for i in request.GET.getlist("id") if i.isdigit()]
    if ids:
        qs = qs.filter(pk__in=ids)
    return render(request, "assets/labels.html", {"labels": _label_rows(request, qs[:2000])})


def _open_stocktakes(user):
    register = registry.get("stocktakes")
    rows = visible_rows(register, user).filter(status=StockTake.Status.OPEN, archived_at__isnull=True)
    return [st for st in rows if permissions.has_perm(user, "assets.stocktake.change")]


@login_required
def scan(request, asset_no):
    """The page a label's QR code opens: the device, and a one-tap confirmation into an open
    stock-take the user works on."""
    equipment = Equipment.objects.filter(asset_no=asset_no).first()
    visible = equipment is not None and visible_rows(registry.get("equipment"), request.user).filter(
        pk=equipment.pk).exists()
    open_takes = _open_stocktakes(request.user)
    if request.method == "POST":
        stocktake = get_object_or_404(StockTake, pk=request.POST.get("stocktake"))
        if stocktake not in open_takes:
            raise PermissionDenied(_("该盘点不在您的办理范围 / not your stock-take"))
        try:
            item = services.stocktake_confirm(request.user, stocktake, code=asset_no,
                                              method=StockTakeItem.Method.SCAN,
                                              found_location=request.POST.get("found_location", ""))
            messages.success(request, _("%(c)s:%(r)s") % {"c": asset_no, "r": item.get_result_display()})
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(request.path)
    return render(request, "assets/scan.html", {"asset_no": asset_no, "equipment": equipment if visible else None,
                                                "stocktakes": open_takes})


@login_required
def scan_home(request):
    """扫码盘点: type or scan an asset number (a handheld scanner types it), or follow a label."""
    permissions.require(request.user, "assets.stocktake.change")
    code = (request.GET.get("code") or "").strip()
    if code:
        return redirect("assets:scan", asset_no=code)
    return render(request, "assets/scan.html", {"asset_no": "", "equipment": None,
                                                "stocktakes": _open_stocktakes(request.user)})


@login_required
def stocktake_run(request, pk):
    """盘点: confirm devices from the list or by code, then close; shows the result so far."""
    stocktake = get_object_or_404(visible_rows(registry.get("stocktakes"), request.user), pk=pk)
    can_change = permissions.has_perm(request.user, "assets.stocktake.change")
    form = _form(ConfirmForm, request.POST if request.POST.get("action") == "confirm" else None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "close":
                services.stocktake_close(request.user, stocktake, reason=request.POST.get("reason", ""))
                messages.success(request, _("盘点已完成 / closed"))
                return redirect(request.path)
            if request.POST.get("action") == "list":
                for code in request.POST.getlist("code"):
                    services.stocktake_confirm(request.user, stocktake, code=code, method=StockTakeItem.Method.LIST)
                messages.success(request, _("已核对 / confirmed"))
                return redirect(request.path)
            if form.is_valid():
                services.stocktake_confirm(request.user, stocktake, method=StockTakeItem.Method.LIST, **form.cleaned_data)
                messages.success(request, _("已登记 / recorded"))
                return redirect(request.path)
        except (ValidationError, PermissionDenied) as exc:
            _refusal(form, exc)
    items = stocktake.items.select_related("equipment", "found_department", "checked_by").order_by("result", "code")
    pending = []
    if stocktake.status == StockTake.Status.OPEN:
        pending = services.stocktake.in_scope(stocktake).exclude(
            pk__in=stocktake.items.exclude(equipment__isnull=True).values("equipment_id")).select_related(
            "department", "responsible")
    return render(request, "assets/stocktake_run.html", {
        "stocktake": stocktake, "items": items, "pending": pending, "form": form, "can_change": can_change,
        "open": stocktake.status == StockTake.Status.OPEN}, status=400 if form.errors else 200)


@login_required
def remnants(request):
    """报废残件一次性处理 (p01.2.8.b)."""
    permissions.require(request.user, "assets.remnantbatch.add")
    form = _form(RemnantForm, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            batch = services.remnants_dispose(request.user, scrappings=list(data.pop("scrappings")), **data)
            messages.success(request, _("残件已一次性处理:%(n)s / remnants disposed of: %(n)s") % {"n": batch.number})
            return redirect("registers:scrappings_list")
        except (ValidationError, PermissionDenied) as exc:
            _refusal(form, exc)
    return render(request, "assets/simple_form.html", {
        "title": _("报废残件处理"), "subject": None, "form": form,
        "back": reverse("registers:scrappings_list")}, status=400 if form.errors else 200)
