from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag
def query_replace(query: str, key: str, value) -> str:
    """The query string with ``key`` set to ``value`` (keeps the other filters)."""
    from xinan.core.tables import query_with

    return query_with(QueryDict(query), key, value)


@register.simple_tag(takes_context=True)
def sidebar(context):
    """The sidebar menu (``xinan.core.navigation.render_sidebar``: cached per menu and language)."""
    from django.utils.safestring import mark_safe

    from xinan.core.navigation import render_sidebar

    return mark_safe(render_sidebar(context["request"], str(context["xinan_icons"])))
