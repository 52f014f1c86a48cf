"""Forms derived from register declarations."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.forms import modelform_factory

from .registers import Register

_forms: dict[str, type] = {}


class ReasonMixin(forms.Form):
    reason = forms.CharField(label=_("变更原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def register_form(register: Register) -> type[forms.ModelForm]:
    cls = _forms.get(register.slug)
    if cls is None:
        base = modelform_factory(register.model, fields=register.fields)
        cls = type(f"{register.model.__name__}RegisterForm", (base, ReasonMixin), {})
        _forms[register.slug] = cls
    return cls


def prepare(form: forms.ModelForm) -> forms.ModelForm:
    """Hide archived rows from related-object choices and style widgets for the layout."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and any(f.name == "archived_at" for f in queryset.model._meta.get_fields()):
            field.queryset = queryset.filter(archived_at__isnull=True)
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
        widget.attrs.setdefault("class", css)
    return form
