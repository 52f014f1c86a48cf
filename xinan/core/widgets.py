"""Form widgets rendered in Python.

Django renders a ``<select>`` through the template engine, one sub-template per option; a list
page's filter bar with the department tree (hundreds of options) spent most of the page's time
there. ``FastSelect`` writes the same markup directly. It is used for the filter bars of register
lists (``xinan.core.filters``), where only plain single selects occur; ``FastNullBooleanSelect``
does the same for a yes/no filter.
"""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


class RenderedOptions(BaseChoiceIterator):
    """Choices with each ``<option>`` already written (unselected), for a select whose choices
    are kept between requests: rendering it joins strings instead of escaping every label.
    Groups (``<optgroup>``) are not supported; ``FastSelect`` renders those itself."""

    def __init__(self, choices):
        self.pairs = [(value, label) for value, label in choices]
        if any(isinstance(label, (list, tuple)) for _value, label in self.pairs):
            raise ValueError("RenderedOptions takes flat choices")
        self.texts = ["" if value is None else str(value) for value, _label in self.pairs]
        self.html = [FastSelect._option(value, label, set()) for value, label in self.pairs]

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self):
        return len(self.pairs)

    def render(self, selected: set) -> str:
        if not selected:
            return "".join(self.html)
        return "".join(html.replace('">', '" selected>', 1) if text in selected else html
                       for text, html in zip(self.texts, self.html))


def _opening_tag(name, attrs: dict) -> str:
    """``<select name=… …>`` as ``format_html`` and ``flatatt`` write it, kept per name and
    attributes: a filter bar's few selects open with the same tag on every request."""
    try:
        key = (name, tuple(attrs.items()))
        tag = _opening_tags.get(key)
    except TypeError:  # an unhashable attribute value
        key = tag = None
    if tag is None:
        tag = format_html('<select name="{}"{}>', name, flatatt(attrs))
        if key is not None:
            if len(_opening_tags) >= 1024:
                _opening_tags.clear()
            _opening_tags[key] = tag
    return tag


_opening_tags: dict = {}


class FastSelect(forms.Select):
    """A single ``<select>`` with the markup of ``forms.Select``, built without templates."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        formatted = self.format_value(value)
        selected = {formatted} if isinstance(formatted, str) else set(formatted)
        parts = [_opening_tag(name, attrs)]
        if isinstance(self.choices, RenderedOptions):
            parts.append(self.choices.render(selected))
            parts.append("</select>")
            return mark_safe("".join(parts))
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):  # an <optgroup>
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.extend(self._option(v, label, selected) for v, label in option_label)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(option_value, option_label, selected))
        parts.append("</select>")
        return mark_safe("".join(parts))

    @staticmethod
    def _option(value, label, selected: set) -> str:
        text = "" if value is None else str(value)
        mark = " selected" if text in selected else ""
        return f'<option value="{escape(text)}"{mark}>{conditional_escape(label)}</option>'


class FastNullBooleanSelect(FastSelect, forms.NullBooleanSelect):
    """The yes/no/unknown select of ``forms.NullBooleanSelect``, written like ``FastSelect``."""
