"""Generic register views: list, detail, create, edit, archive, export, import, print.

Each view takes its ``register`` from the URL pattern (see ``urls_for``); permission and
department scope are checked here for reads and again by the services for writes.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import get_language
from django.views import View

from xinan.audit.services import audited_write, record
from xinan.org import permissions

from . import excel
from .filters import list_filters
from .forms import prepare, register_form
from .frames import render_framed
from .imports import ImportRejected, import_rows, read_table
from .registers import Register
from .selectors import cell_value, register_rows, rows_key, visible_rows
from .tables import fetch_value_rows, header_row, render_value_rows, table_rows, value_rows
from .versions import VersionedCache
from .widgets import RenderedOptions

PAGE_SIZES = (25, 50, 100, 250)


class RegisterView(LoginRequiredMixin, View):
    register: Register = None
    action = "view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.has_perm(request.user, self.register.perm(self.action)):
            raise PermissionDenied(_("无权访问该登记簿 / you may not access this register"))
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, pk):
        return get_object_or_404(visible_rows(self.register, self.request.user), pk=pk)

    def url_names(self) -> dict:
        return {name: f"registers:{self.register.slug}_{name}" for name in
                ("list", "add", "detail", "edit", "archive", "export", "import", "print", "print_list")}

    def context(self, **extra):
        r = self.register
        user = self.request.user
        ctx = {
            "register": r,
            "can": {a: permissions.has_perm(user, r.perm(a)) for a in ("add", "change", "archive", "import", "export")},
            "url": self.url_names(),
        }
        ctx.update(extra)
        return ctx


class RegisterListView(RegisterView):
    def get(self, request):
        r = self.register
        try:
            per_page = int(request.GET.get("per_page", 50))
        except ValueError:
            per_page = 50
        per_page = per_page if per_page in PAGE_SIZES else 50
        key = rows_key(r, request.user, request.GET)

        built = {}

        def rows_and_filters():  # once per request, for whichever part is not in the cache
            if not built:
                built["qs"], built["cleaned"] = register_rows(r, request.user, request.GET)
            return built["qs"], built["cleaned"]

        def build_rows():
            qs, _cleaned = rows_and_filters()
            fields = tuple(r.list_fields() or ())  # None: columns a tuple cannot give (tables.table_rows)
            detail = f"registers:{r.slug}_detail"
            if fields and _asks_first_page(request.GET.get("page")):
                # The first page read before the count: a list that fits on it needs no count
                # (most filtered lists do), and a longer one shows the rows already read.
                first = fetch_value_rows(r, qs[:per_page], fields)
                count = len(first) if len(first) < per_page else qs.count()
                paginator = Paginator(range(count), per_page)
                return PageSummary(1, count, paginator.num_pages), render_value_rows(r, first, fields, detail)
            page = Paginator(qs, per_page).get_page(request.GET.get("page"))
            if fields:  # tuples, not model instances (tables.value_rows)
                rows = value_rows(r, page.object_list, fields, detail)
            else:
                rows = table_rows(r, page.object_list, detail)
            return PageSummary(page.number, page.paginator.count, page.paginator.num_pages), rows

        def build_filters():
            _qs, cleaned = rows_and_filters()

            def options(name, widget):  # written once per language and data version
                return _choices_cache.get_or_build((r.slug, name, get_language()), lambda: RenderedOptions(widget.choices))

            return list_filters(r).render(request.GET, cleaned, options)

        def build_body():
            page, rows = _list_cache.get_or_build(("page", *key, timezone.get_current_timezone_name()), build_rows)
            filters = _list_cache.get_or_build(("filters", r.slug, key[1], key[2]), build_filters)
            sort = request.GET.get("sort", "")
            return render_to_string("core/register_list_body.html", {
                "register": r, "url": self.url_names(), "page": page, "rows": rows,
                "header_row": header_row(r, params, sort), "column_count": len(r.columns),
                "filter_fields": filters, "sort": sort, "q": request.GET.get("q", ""),
                "show_archived": request.GET.get("archived") == "1",
                "query": params.urlencode()})

        # The count, the rows, the filter bar and the table around them are kept until a table
        # they were read from changes (``versions``); shared by users who may see the same rows.
        params = request.GET.copy()
        params.pop("page", None)
        body = _list_cache.get_or_build(("body", *key, timezone.get_current_timezone_name()), build_body)
        context = self.context()
        return render_framed(request, "core/register_list.html", context, {"body": body, "query": params.urlencode()},
                             key=(r.slug, tuple(sorted(context["can"].items()))))


def _asks_first_page(number) -> bool:
    """Whether ``Paginator.get_page(number)`` gives the first page whatever the count: "1", or no
    number or not a whole number (page 1); 0, negative numbers and numbers past the end give the last."""
    try:
        return int(number) == 1
    except (TypeError, ValueError):
        return True


_list_cache = VersionedCache(size=1024)
_choices_cache = VersionedCache(size=256)


@dataclass(frozen=True)
class PageSummary:
    """What the list template shows of a page (a Paginator page without its rows)."""

    number: int
    count: int
    num_pages: int

    @property
    def paginator(self):
        return self

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


class RegisterDetailView(RegisterView):
    def get(self, request, pk):
        r = self.register
        obj = self.get_object(pk)
        fields = [(str(f.verbose_name), cell_value(obj, f.name)) for f in r.model._meta.concrete_fields
                  if f.name not in getattr(r.model, "audit_omit_fields", ()) and f.name != "id"]
        actions = [(label, url_name) for label, url_name, perm in r.detail_actions
                   if permissions.has_perm(request.user, perm)]
        panel = None
        if r.workflows:  # the record's approval workflows and the 发起 buttons (xinan.workflows)
            from xinan.workflows.selectors import register_panel

            panel = register_panel(r, obj, request.user, can_change=permissions.has_perm(request.user, r.perm("change")))
        return render(request, "core/register_detail.html", self.context(object=obj, fields=fields, actions=actions,
                                                                         workflow_panel=panel))


class RegisterEditView(RegisterView):
    """Create (no pk) or edit (pk) through the register's services."""

    action = "add"

    def form(self, data=None, instance=None):
        return prepare(register_form(self.register)(data=data, instance=instance))

    def get(self, request, pk=None):
        instance = self.get_object(pk) if pk else None
        return render(request, "core/register_form.html", self.context(form=self.form(instance=instance), object=instance))

    def post(self, request, pk=None):
        r = self.register
        instance = self.get_object(pk) if pk else None
        form = self.form(data=request.POST, instance=instance)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in r.fields if name in form.cleaned_data}
            reason = form.cleaned_data.get("reason", "")
            try:
                if instance is None:
                    instance = r.do_create(request.user, data, reason=reason)
                    messages.success(request, _("已登记 / created"))
                else:
                    instance.refresh_from_db()
                    r.do_update(request.user, instance, data, reason=reason)
                    messages.success(request, _("已保存 / saved"))
                return redirect(f"registers:{r.slug}_detail", pk=instance.pk)
            except ValidationError as exc:
                attach_errors(form, exc)
        return render(request, "core/register_form.html", self.context(form=form, object=instance), status=400)


class RegisterChangeView(RegisterEditView):
    action = "change"


def attach_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class RegisterArchiveView(RegisterView):
    action = "archive"

    def post(self, request, pk):
        obj = self.get_object(pk)
        try:
            self.register.do_archive(request.user, obj, reason=request.POST.get("reason", ""))
            messages.success(request, _("已归档 / archived"))
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        return redirect(f"registers:{self.register.slug}_detail", pk=pk)


class RegisterExportView(RegisterView):
    """Excel export of the filtered list; the export itself is an audit event."""

    action = "export"

    def get(self, request):
        r = self.register
        qs, _cleaned = register_rows(r, request.user, request.GET)
        columns = r.columns_for_export()
        headers = [r.label(c) for c in columns]
        rows = [[cell_value(obj, c) for c in columns] for obj in qs.iterator(chunk_size=2000)]
        with audited_write():
            record(request.user, f"{r.model._meta.label_lower}.export", (r.model._meta.label_lower, "", r.title),
                   after={"rows": len(rows), "filter": request.GET.urlencode()})
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return excel.xlsx_response(f"{r.title}-{stamp}.xlsx", r.title, headers, rows)


class RegisterImportView(RegisterView):
    action = "import"

    def get(self, request):
        return render(request, "core/register_import.html", self.context(
            columns=[(n, r_label) for n, r_label in ((n, str(self.register.field(n).verbose_name))
                                                     for n in self.register.importable_fields())]))

    def post(self, request):
        upload = request.FILES.get("file")
        errors, result = [], None
        if upload is None:
            errors = [_("请选择文件 / choose a file")]
        else:
            try:
                rows = read_table(upload.name, upload.read())
                result = import_rows(request.user, self.register, rows, reason=request.POST.get("reason", ""))
                errors = result.errors
            except ImportRejected as exc:
                errors = [str(exc)]
        if not errors:
            messages.success(request, _("导入完成:新增 %(c)d 条,更新 %(u)d 条 / imported") % {"c": result.created, "u": result.updated})
            return redirect(f"registers:{self.register.slug}_list")
        return render(request, "core/register_import.html", self.context(
            errors=errors, columns=[(n, str(self.register.field(n).verbose_name)) for n in self.register.importable_fields()]),
            status=400)


class RegisterImportTemplateView(RegisterView):
    """An empty workbook with the import columns, for users to fill in."""

    action = "import"

    def get(self, request):
        r = self.register
        headers = [str(r.field(n).verbose_name) for n in r.importable_fields()]
        return excel.xlsx_response(f"{r.title}-导入模板.xlsx", r.title, headers, [])


class RegisterPrintListView(RegisterView):
    """The register as its printed form (e.g. 《计算机地址分配表》)."""

    def get(self, request):
        r = self.register
        qs, _cleaned = register_rows(r, request.user, request.GET)
        columns = r.columns  # the printed form shows names; the Excel export carries lookup codes
        rows = [[cell_value(obj, c) for c in columns] for obj in qs[:5000]]
        return render(request, r.print_template, self.context(
            headers=[r.label(c) for c in columns], rows=rows, printed_at=timezone.localtime()))


class RegisterPrintDetailView(RegisterView):
    def get(self, request, pk):
        r = self.register
        obj = self.get_object(pk)
        fields = [(str(f.verbose_name), cell_value(obj, f.name)) for f in r.model._meta.concrete_fields
                  if f.name not in getattr(r.model, "audit_omit_fields", ()) and f.name != "id"]
        return render(request, r.print_detail_template, self.context(object=obj, fields=fields,
                                                                     printed_at=timezone.localtime()))


def register_urls(registry):
    """URL patterns for every declared register, under ``/<app>/<slug>/``."""
    from django.urls import path

    patterns = []
    for r in registry.all():
        base = f"{r.app_label}/{r.slug}/"
        views = [
            ("", RegisterListView, "list"),
            ("add/", RegisterEditView, "add"),
            ("export.xlsx", RegisterExportView, "export"),
            ("import/", RegisterImportView, "import"),
            ("import/template.xlsx", RegisterImportTemplateView, "import_template"),
            ("print/", RegisterPrintListView, "print_list"),
            ("<int:pk>/", RegisterDetailView, "detail"),
            ("<int:pk>/edit/", RegisterChangeView, "edit"),
            ("<int:pk>/archive/", RegisterArchiveView, "archive"),
            ("<int:pk>/print/", RegisterPrintDetailView, "print"),
        ]
        for suffix, view, name in views:
            patterns.append(path(base + suffix, view.as_view(register=r), name=f"{r.slug}_{name}"))
    return patterns


