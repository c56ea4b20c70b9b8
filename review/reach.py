"""
What a pending change to one reviewed record does to the published pages of others, for the reviewer's desk.

A record's change reaches the pages that show it (:func:`review.rendering.pages_showing`,
:func:`review.content.live_dependents`), but only those that show a part that changed: an article page shows
the titles of the sources it cites, not a product's storage instructions. Rather than keep a second list of which
page shows which field, a page is asked: its own reader view builds it twice, as it is and with the pending
version's changed parts laid over the published record in memory (:func:`overlay`; nothing is saved), and the two
are compared. The same two renders show on an article's desk what a pending change to a source it cites does to
the article.

``render(model, pk, prepare)`` is given by the admin: ``(html, structured data)`` of the reader page of that
record, built after ``prepare(record)`` has run on the record as the view loaded it; ``None`` when the model has
no reader page.
"""

import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _

from .content import FIELD, dependencies, live_dependents, parts, snapshot
from .diffing import lines_change, paragraphs
from .rendering import pages_showing


def changed_parts(live, pending):
    """The declared parts whose content differs between ``live`` and ``pending`` (both fetched with their content)."""
    old, new = snapshot(live), snapshot(pending)
    return [part for part in parts(type(live)) if old[part.name] != new[part.name]]


def overlay(root, live, pending, changed):
    """
    Give every loaded copy of ``live`` reachable from ``root`` (through select_related and prefetched rows) the
    content ``pending`` holds for the parts ``changed``, in memory only. Returns how many copies were found.
    """
    found, seen, stack = 0, set(), [root]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, list | tuple):
            stack.extend(item)
            continue
        if not isinstance(item, models.Model):
            continue
        if type(item) is type(live) and item.pk == live.pk:
            _lay_over(item, pending, changed)
            found += 1
        stack.extend(value for value in item._state.fields_cache.values() if value is not None)
        for rows in getattr(item, "_prefetched_objects_cache", {}).values():
            stack.extend(getattr(rows, "_result_cache", None) or (rows if isinstance(rows, list) else []))
    return found


def _lay_over(item, pending, changed):
    for part in changed:
        if part.kind == FIELD:
            setattr(item, part.field.attname, getattr(pending, part.field.attname))
            if part.field.is_relation:
                if part.field.is_cached(pending):
                    part.field.set_cached_value(item, part.field.get_cached_value(pending))
                elif part.field.is_cached(item):
                    part.field.delete_cached_value(item)
        else:
            item.__dict__.setdefault("_prefetched_objects_cache", {})[part.name] = getattr(pending, part.name).all()


def render_overlaid(render, page, live, pending, changed):
    """
    ``page``'s reader page as it would be with ``live`` saying what ``pending`` says, or None when that cannot be
    told: no reader page, or the page loads ``live`` nowhere :func:`overlay` can reach it.
    """
    found = []
    after = render(type(page), page.pk, lambda loaded: found.append(overlay(loaded, live, pending, changed)))
    return after if any(found) else None


def shows_change(render, page, live, pending, changed):
    """Whether the reader page of ``page`` changes when ``live`` says what ``pending`` says: True, False or None."""
    before = render(type(page), page.pk, None)
    after = render_overlaid(render, page, live, pending, changed) if before is not None else None
    return None if after is None else before != after


@dataclass
class Reach:
    pages: list  # [(model, [page, ...]), ...]: the published pages that would show the change at once
    unchanged: int  # how many other published pages show the record but none of what changed


def candidates(record):
    """
    ``{model: ([page, ...], named)}``: the published pages that may show ``record``, and whether their content
    names it (an article citing a source) rather than the page listing it besides (a condition's products).
    """
    found = {}
    for model, records in live_dependents(record):
        found[model] = ({page.pk: page for page in records}, True)
    for page in pages_showing(record):
        found.setdefault(type(page), ({}, False))[0].setdefault(page.pk, page)
    return {model: (sorted(pages.values(), key=lambda page: page.pk), named) for model, (pages, named) in found.items()}


def pages_reached(render, live, pending):
    """
    The published pages that show what ``pending`` changes in ``live``. Pages of one kind show a record in one
    way (the same template and page parts), so one page of each kind is rendered twice to tell for all of them.
    A kind whose content names the record but whose page cannot be asked is listed, so no such page is missed.
    """
    changed = changed_parts(live, pending)
    reached, unchanged = [], 0
    for model, (pages, named) in candidates(live).items():
        shows = shows_change(render, pages[0], live, pending, changed) if changed else False
        if shows or (shows is None and named):
            reached.append((model, pages))
        elif shows is False:
            unchanged += len(pages)
    return Reach(reached, unchanged)


def pages_showing_at_all(record):
    """For a record readers do not see yet: every published page whose content names it shows it once published."""
    return Reach([(model, pages) for model, (pages, named) in candidates(record).items() if named], 0)


# Where a reader page's text breaks into lines for the diff, besides paragraphs, headings and list items.
_MORE_BLOCKS = re.compile(r"</(?:dt|dd|h1|h5|h6|div|section|summary|figcaption|td|th|caption)>", re.IGNORECASE)


def page_lines(html):
    """A reader page's content as lines of plain text, one per paragraph, heading, list item or card part."""
    return paragraphs(_MORE_BLOCKS.sub("</p>", html))


@dataclass
class PendingChange:
    record: object  # a published record the page shows
    new_version: object  # its working copy, in whatever step of review
    on_this_page: list  # [diffing.FieldChange] of the page's text, empty when the page reads the same
    page_known: bool  # False when the page could not be asked (then see the new version's own diff)
    url: str = ""  # where staff open the new version


def pending_changes_shown(render, page, fetch):
    """
    The records ``page`` shows (its sources, side effects, author…) that have a new version on its way to
    readers, each with what it would change in ``page``'s text. ``fetch(record)`` loads a record's content.
    """
    shown = {}
    for record in dependencies(page):
        if record.is_live:
            shown.setdefault(type(record), {})[record.pk] = record
    found = []
    for model, records in shown.items():
        for copy in model.objects.filter(draft_of__in=list(records)).order_by("pk"):
            found.append((records[copy.draft_of_id], copy))
    if not found:
        return []
    before = render(type(page), page.pk, None)
    changes = []
    for live, copy in found:
        fetch(live)
        fetch(copy)
        changed = changed_parts(live, copy)
        difference, known = [], not changed
        if before is not None and changed:
            after = render_overlaid(render, page, live, copy, changed)
            known = after is not None
            if known:
                text = lines_change("page", _("On this page"), page_lines(before[0]), page_lines(after[0]))
                difference = [text] if text else []
        changes.append(PendingChange(live, copy, difference, known))
    return changes
