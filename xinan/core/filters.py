"""A register's list filters: declared as django-filter filters, checked and applied per request
without building a FilterSet and its form each time.

A FilterSet deep-copies its filters, and its form deep-copies the fields again, on every request;
with the department filter's queryset that was a millisecond of a list page that showed rows no
process had shown before. ``ListFilters`` builds the FilterSet once per register and keeps its
fields, which are only read afterwards: ``clean`` runs each field's own ``clean`` on the request's
value and ``apply`` each filter's own ``filter``, as ``FilterSet.qs`` does; ``render`` writes the
filter bar the form's fields gave (``tests/test_list_rendering.py`` compares the two).
"""

import copy
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django_filters.constants import EMPTY_VALUES

from .registers import Register
from .versions import VersionedCache
from .widgets import FastNullBooleanSelect, FastSelect

KNOWN_CHOICES_LIMIT = 5_000  # above this many rows a choice is checked by a query, not a kept set


class KnownChoiceField(django_filters.fields.ModelChoiceField):
    """A filter's choice of a related row, checked against the row keys kept between requests
    (``versions``) instead of one query per request; the cleaned value is the key, which is all
    an ``exact`` filter needs. Tables over ``KNOWN_CHOICES_LIMIT`` rows are queried as before."""

    def to_python(self, value):
        qs = self.queryset
        if (value in self.empty_values or self.to_field_name not in (None, qs.model._meta.pk.name) or qs.query.where
                or (self.null_label is not None and value == self.null_value)):
            return super().to_python(value)  # not a plain choice among all rows of the model
        known = _known_choices.get_or_build(qs.model._meta.label, lambda: _keys_of(qs))
        if known is None:
            return super().to_python(value)
        if str(value) not in known:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": value})
        return qs.model._meta.pk.to_python(value)


def _keys_of(qs) -> frozenset | None:
    keys = list(qs.order_by().values_list("pk", flat=True)[:KNOWN_CHOICES_LIMIT + 1])
    return None if len(keys) > KNOWN_CHOICES_LIMIT else frozenset(str(k) for k in keys)


_known_choices = VersionedCache(size=64)
_filtersets: dict[str, type] = {}


def filterset_class(register: Register) -> type[django_filters.FilterSet]:
    """A FilterSet for the register's declared filters (built once)."""
    cls = _filtersets.get(register.slug)
    if cls is None:
        meta = type("Meta", (), {"model": register.model, "fields": register.filters})
        cls = type(f"{register.model.__name__}FilterSet", (django_filters.FilterSet,), {"Meta": meta})
        for filter_ in cls.base_filters.values():
            field_class = filter_.field_class
            if (issubclass(field_class, forms.ChoiceField) and not issubclass(field_class, forms.MultipleChoiceField)
                    and field_class.widget is forms.Select):
                filter_.extra.setdefault("widget", FastSelect)
            elif field_class.widget is forms.NullBooleanSelect:
                filter_.extra.setdefault("widget", FastNullBooleanSelect)
            if field_class is django_filters.fields.ModelChoiceField:
                filter_.field_class = KnownChoiceField
        _filtersets[register.slug] = cls
    return cls


@dataclass
class CleanedFilters:
    """The request's filter values: cleaned by field, and the messages of those refused."""

    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # name -> [message]

    def is_valid(self) -> bool:
        return not self.errors


class ListFilters:
    """One register's filters and their form fields, built once per process and only read."""

    def __init__(self, register: Register):
        prototype = filterset_class(register)(None, queryset=register.model._default_manager.none())
        self.model = register.model
        self.filters = prototype.filters
        self.fields = prototype.form.fields
        for form_field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(form_field.widget, forms.Select) else "form-control form-control-sm"
            form_field.widget.attrs.setdefault("class", css)

    def clean(self, params) -> CleanedFilters:
        out = CleanedFilters()
        for name, form_field in self.fields.items():
            raw = form_field.widget.value_from_datadict(params, {}, name)
            try:
                out.values[name] = form_field.clean(raw)
            except forms.ValidationError as exc:
                out.errors[name] = exc.messages
        return out

    def apply(self, qs, cleaned: CleanedFilters, **conditions):
        """``qs`` filtered by each field's value as each filter's ``filter`` does, and by
        ``conditions``. The plain ones (a lookup on a column of the model itself, as
        ``Filter.filter``/``ChoiceFilter.filter`` run it) go into one ``filter()`` call: the same
        WHERE clause, without cloning the query once per filter."""
        for name, value in cleaned.values.items():
            filter_ = self.filters[name]
            lookup = self._plain_lookups.get(name)
            if lookup is None:
                qs = filter_.filter(qs, value)
            elif isinstance(filter_, django_filters.ChoiceFilter) and value == filter_.null_value:
                conditions[lookup] = None
            elif value not in EMPTY_VALUES:
                conditions[lookup] = value
        return qs.filter(**conditions) if conditions else qs

    @cached_property
    def _plain_lookups(self) -> dict:
        """{name: lookup} of the filters whose ``filter`` is the plain one over a column of the
        model (no method, ``distinct`` or ``exclude``; no relation, where one ``filter()`` call
        and several would not select the same rows)."""
        plain = {}
        for name, filter_ in self.filters.items():
            run = getattr(filter_.filter, "__func__", None)
            if (run not in _PLAIN_FILTER_METHODS or filter_.distinct or filter_.exclude
                    or "__" in filter_.field_name):
                continue
            try:
                field = self.model._meta.get_field(filter_.field_name)
            except FieldDoesNotExist:
                continue
            if field.concrete and not field.many_to_many:
                plain[name] = f"{filter_.field_name}__{filter_.lookup_expr}"
        return plain

    def render(self, params, cleaned: CleanedFilters, options=None) -> SafeString:
        """The filter bar: label and widget of each field, the request's values selected, as the
        form's fields render them (``BoundField.as_widget``: ``id_<name>``, ``aria-invalid`` and
        ``aria-describedby`` on a refused value). ``options(name, widget)`` may give a fast select its kept options."""
        out = []
        for name, form_field in self.fields.items():
            widget = form_field.widget
            if options is not None and isinstance(widget, FastSelect):
                widget = copy.copy(widget)  # the shared widget keeps its own choices
                widget.choices = options(name, form_field.widget)
            raw = form_field.widget.value_from_datadict(params, {}, name)
            value = form_field.prepare_value(form_field.bound_data(raw, form_field.initial))
            attrs, auto_id, described = {}, f"id_{name}", []
            if form_field.required and widget.use_required_attribute(form_field.initial):
                attrs["required"] = True
            if form_field.disabled:
                attrs["disabled"] = True
            if not widget.is_hidden:
                if name in cleaned.errors:
                    attrs["aria-invalid"] = "true"
                described = [f"{auto_id}_helptext"] * bool(form_field.help_text) + [f"{auto_id}_error"] * (name in cleaned.errors)
            if described and not widget.attrs.get("aria-describedby"):
                attrs["aria-describedby"] = " ".join(described)
            attrs["id"] = auto_id
            label = form_field.label if form_field.label is not None else forms.forms.pretty_name(name)
            out.append(f'<div class="col-auto"><label class="form-label" for="{conditional_escape(widget.id_for_label(attrs["id"]))}">'
                       f"{conditional_escape(label)}</label>{widget.render(name, value, attrs)}</div>")
        return mark_safe("\n".join(out))


_PLAIN_FILTER_METHODS = (django_filters.Filter.filter, django_filters.ChoiceFilter.filter)
_list_filters: dict[str, ListFilters] = {}


def list_filters(register: Register) -> ListFilters:
    found = _list_filters.get(register.slug)
    if found is None:
        found = _list_filters[register.slug] = ListFilters(register)
    return found
