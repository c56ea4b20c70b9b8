"""Template helpers of the reader pages' layout: the “Get help now” card and the body split after its first section."""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from ..care import care_card

register = template.Library()

SECTION = re.compile(r"<h2\b")
BLOCK = re.compile(r"<(/?)(blockquote|ul|ol|table|div|figure|section|details)\b", re.IGNORECASE)


def _side_effects_in(value):
    """Side effects, or link rows, found in ``value``: one record, or lists and groups of them nested any way."""
    if hasattr(value, "side_effect") or hasattr(value, "care_level"):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _side_effects_in(item)


@register.simple_tag
def get_help_now(side_effects):
    """The care card (see :func:`articles.care.care_card`) for the side effects a page shows, however grouped."""
    return care_card(_side_effects_in(side_effects))


def _balanced(html):
    depth = 0
    for match in BLOCK.finditer(html):
        depth += -1 if match.group(1) else 1
    return depth == 0


@register.filter
def first_section(html):
    """
    ``(first, rest)``: rich text cut before its second section heading, so something can stand between them.
    ``rest`` is empty when there is no second section or the cut would fall inside a list, quote or table.
    """
    html = conditional_escape(html or "")  # sanitized rich text arrives marked safe; anything else is escaped
    starts = [match.start() for match in SECTION.finditer(html)]
    if len(starts) < 2 or not _balanced(html[: starts[1]]):
        return html, ""
    return mark_safe(html[: starts[1]]), mark_safe(html[starts[1] :])
