"""Filters of the request log's pages."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def host_breaks(host):
    """A host name that may wrap after its dots ("shop.<wbr>example.<wbr>co.<wbr>kr"), as after its hyphens,
    and nowhere else: never inside a word."""
    return mark_safe(escape(host).replace(".", ".<wbr>")) if host else host
