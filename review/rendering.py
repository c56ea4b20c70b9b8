"""
Render once, serve many: what a reader page shows of a reviewed record is computed when the record goes
live and stored (one :class:`~review.models.RenderedPage` row per record, apart from the record's own row so
lists never load it), so the reader's request only reads it.

A reviewed model opts in by naming, once, the function that builds its page parts::

    class Article(Reviewed):
        page_parts = "articles.publishing.article_parts"

That function is declared with :func:`page_parts` and the queryset that fetches everything it reads; it takes
a record fetched that way and returns plain JSON data (the rendered body, the numbered sources, the JSON-LD with
site-relative addresses, …). The app that owns the reader pages turns that data back into template values. The
declared queryset lets one record be rendered with its prefetches, and :func:`render_published` render
thousands in batches of a few queries each.

The workflow calls :func:`refresh` wherever a record goes live or stops being live (publish, a new version or a
scheduled one written onto its original, unpublish, archive): in the same transaction the record's parts are
stored (or cleared), and so are those of every published page that shows it.

Drafts and working copies never get stored parts: a staff preview renders them on the fly with the same
function (:func:`parts_for`), as does a reader's request for a live record that has none yet (just after a
deploy, before ``manage.py render_published``).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import JSONField, OuterRef, Q, Subquery, prefetch_related_objects
from django.db.models.functions import Mod
from django.utils.module_loading import import_string

from .content import dependencies, live_dependents, reviewed_models
from .models import RenderedPage, Status, previewing
from .signals import reader_content_changed
from .uploads import record_all_uses

# Records rendered per batch by render_published: one round of prefetch queries and one upsert each.
BATCH_SIZE = 200


def page_parts(queryset):
    """
    Declare a page-parts function and what it reads: ``queryset`` is a callable returning the queryset (with its
    ``select_related`` and ``prefetch_related``) that fetches a record with everything the function touches.
    """

    def declare(function):
        function.queryset = queryset
        return function

    return declare


def is_rendered(model):
    """Whether ``model``'s reader page is rendered at publication: it names its ``page_parts`` function."""
    return getattr(model, "page_parts", None) is not None


def rendered_models():
    return [model for model in reviewed_models() if is_rendered(model)]


def parts_function(model):
    return import_string(model.page_parts)


def build_parts(record):
    """The page parts of ``record`` rendered now, whatever its state."""
    function = parts_function(type(record))
    if record.status in (Status.PUBLISHED, Status.SCHEDULED):
        # Fetches only what ``record`` does not hold yet: a view may have prefetched some of it.
        prefetch_related_objects([record], *function.queryset()._prefetch_related_lookups)
        return function(record)
    with previewing():  # a version on its way: shown with the new records going through review with it
        prefetch_related_objects([record], *function.queryset()._prefetch_related_lookups)
        return function(record)


def _stored(record):
    return RenderedPage.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)


def with_stored_parts(queryset):
    """``queryset`` with each record's stored page parts (or None) fetched in the same query."""
    stored = RenderedPage.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model), object_id=OuterRef("pk")
    )
    return queryset.annotate(stored_page_parts=Subquery(stored.values("parts")[:1], output_field=JSONField()))


def parts_for(record):
    """
    The page parts a request shows: the stored ones for a live record, else rendered now (a draft or
    working copy in a staff preview, or a live record whose parts are not stored yet). Fetch the record
    through :func:`with_stored_parts` to spare a query.
    """
    if record.is_live:
        if hasattr(record, "stored_page_parts"):
            stored = record.stored_page_parts
        else:
            stored = _stored(record).values_list("parts", flat=True).first()
        if stored:
            return stored
    return build_parts(record)


def _shows_live_page(record):
    return record.status == Status.PUBLISHED and not record.is_working_copy


def render(record):
    """Store ``record``'s page parts if it is a published original, else forget any stored. Returns ``record``."""
    if not is_rendered(type(record)):
        return record
    if _shows_live_page(record):
        fresh = parts_function(type(record)).queryset().get(pk=record.pk)
        _store(ContentType.objects.get_for_model(record), [(record.pk, build_parts(fresh))])
    else:
        _stored(record).delete()
    return record


def pages_showing(record):
    """
    The published records with stored pages that show ``record``: those whose content names it (an article
    citing a source, a product listing a side effect), those it names that list it back (the condition page
    lists the products approved for it), and those it fact-checked or medically reviewed (their JSON-LD names
    the reviewer).
    """
    found = {}
    for model, records in live_dependents(record):
        if is_rendered(model):
            found.update({(model, page.pk): page for page in records})
    for page in dependencies(record):
        if is_rendered(type(page)) and _shows_live_page(page):
            found[(type(page), page.pk)] = page
    for model in rendered_models():
        if model._meta.get_field("fact_checker").related_model is type(record):
            reviewed = model.objects.published().filter(Q(fact_checker=record) | Q(medical_reviewer=record))
            found.update({(model, page.pk): page for page in reviewed})
    found.pop((type(record), record.pk), None)
    return list(found.values())


def refresh(record, also=()):
    """
    Store ``record``'s page parts (or clear them if it is no longer published) and re-render every published
    page that shows it, plus ``also`` (e.g. the pages an earlier version showed). Returns ``record``.
    Call it inside the transaction that changed the record.
    """
    if record.is_working_copy:
        return record
    render(record)
    seen = {(type(page), page.pk) for page in also}
    pages = list(also) + [page for page in pages_showing(record) if (type(page), page.pk) not in seen]
    for page in pages:
        if (type(page), page.pk) != (type(record), record.pk):
            render(page)  # reads the page's current row itself
    return record


def _store(content_type, rendered):
    """Insert or replace the stored parts of ``rendered``, a list of ``(pk, parts)`` of one model, in one query."""
    RenderedPage.objects.bulk_create(
        [RenderedPage(content_type=content_type, object_id=pk, parts=parts) for pk, parts in rendered],
        update_conflicts=True,
        unique_fields=["content_type", "object_id"],
        update_fields=["parts", "rendered_at"],
    )


def render_published(models_to_render=None, shard=(0, 1)):
    """
    Store the parts of every published original and forget any others; returns how many were rendered. Records
    are fetched and stored :data:`BATCH_SIZE` at a time, so the queries grow with the batches, not the records.
    ``shard=(k, n)`` renders only the records whose primary key is ``k`` modulo ``n``, so ``n`` processes can
    share the work on a large site. The uploads every record shows are recorded again too (which are public).
    """
    number, shards = shard
    count = 0
    for model in models_to_render or rendered_models():
        content_type = ContentType.objects.get_for_model(model)
        function = parts_function(model)
        live = function.queryset().filter(status=Status.PUBLISHED, draft_of__isnull=True).order_by("pk")
        RenderedPage.objects.filter(content_type=content_type).exclude(object_id__in=live.values("pk")).delete()
        if shards > 1:
            live = live.alias(shard=Mod("pk", shards)).filter(shard=number)
        batch = []
        for record in live.iterator(chunk_size=BATCH_SIZE):
            batch.append((record.pk, function(record)))
            if len(batch) == BATCH_SIZE:
                _store(content_type, batch)
                count, batch = count + len(batch), []
        if batch:
            _store(content_type, batch)
            count += len(batch)
    record_all_uses(models_to_render, shard=shard)
    # Stored in bulk, no row signal was sent: say once that what readers see may have changed.
    reader_content_changed.send(RenderedPage, record=None)
    return count
