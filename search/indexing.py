"""
The stored search index on PostgreSQL: one :class:`~search.models.Document` per published record, written when
the record is saved (publishing, a new version going live, unpublishing all save it), so a search reads an
indexed vector instead of parsing every body. Other databases search the records directly (``engine._fallback``).
"""

import functools
import operator
from copy import copy

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Value
from django.utils.text import Truncator
from django.utils.translation import override

from references.markers import MARKER
from review.models import Status
from richtext.fields import plain_text
from translations.languages import source_language
from translations.models import Translation

from .models import Document

# Records indexed per query by rebuild().
BATCH_SIZE = 500
# The weights of the fields that also go in the small ranking vector (``Document.head``): titles and summaries.
HEAD_WEIGHTS = frozenset({"A", "B"})
# Characters of a record's text kept for its search snippet: the summary and the opening of the body. ts_headline
# reads all it is given, so a whole long body would cost more than the search itself.
SNIPPET_TEXT_LENGTH = 1500


def _sources():
    from .engine import SOURCES

    return {source.model: source for source in SOURCES}


def enabled():
    return connection.vendor == "postgresql"


# PostgreSQL's text search configuration for each of the site's languages: its stemming and stop words.
CONFIGS = {"en": "english", "es": "spanish"}


def config(language):
    return CONFIGS.get(language, "simple")


def update(record):
    """Index ``record`` if readers may find it (published), else drop it from the index; its translations too."""
    if isinstance(record, Translation):
        return _update_translations(record.source_model, [record.object_id])
    source = _sources().get(type(record))
    if source is None or record.draft_of_id or not enabled():
        return
    content_type = ContentType.objects.get_for_model(record)
    if record.status != Status.PUBLISHED or record.published_at is None:
        Document.objects.filter(content_type=content_type, object_id=record.pk).delete()
        return
    _store([_document(source, content_type, record)])
    _update_translations(type(record), [record.pk])


def _update_translations(model, pks):
    """Index the readable translations of ``model``'s records ``pks`` (in their languages) and drop the others."""
    source = _sources().get(model)
    if source is None or not enabled():
        return
    content_type = ContentType.objects.get_for_model(model)
    documents = Document.objects.filter(content_type=content_type, object_id__in=pks).exclude(
        language=source_language()
    )
    documents.delete()
    readable = Translation.objects.readable().of_records(model, pks)
    records = {record.pk: record for record in model.objects.filter(pk__in=pks)}
    _store(
        [
            _document(
                source, content_type, translation.apply_to(copy(records[translation.object_id])), translation.language
            )
            for translation in readable
            if translation.object_id in records
        ]
    )


def _document(source, content_type, record, language=None):
    """The unsaved :class:`Document` of ``record``, its vectors computed by the database as it is written."""
    from django.contrib.postgres.search import SearchVector

    language = language or source_language()
    texts = {field: _text(source, record, field) for field in source.weighted_fields}

    def vector(fields):
        parts = [
            SearchVector(Value(texts[field]), weight=source.weighted_fields[field], config=config(language))
            for field in fields
        ]
        return functools.reduce(operator.add, parts)

    head_fields = [field for field, weight in source.weighted_fields.items() if weight in HEAD_WEIGHTS]
    other_fields = [field for field in source.weighted_fields if field not in head_fields]
    snippet_text = " ".join(texts[field] for field in source.snippet_fields)
    with override(language):
        kind, url = str(source.kind), record.get_absolute_url()
    return Document(
        content_type=content_type,
        object_id=record.pk,
        language=language,
        kind=kind,
        title=str(record)[:300],
        url=url,
        published_at=record.published_at,
        title_words=" ".join(texts[field] for field, weight in source.weighted_fields.items() if weight == "A"),
        snippet_text=Truncator(snippet_text).chars(SNIPPET_TEXT_LENGTH, truncate=""),
        vector=vector(head_fields + other_fields),
        head=vector(head_fields),
    )


def _store(documents):
    """Insert or replace ``documents`` in one query."""
    Document.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["content_type", "object_id", "language"],
        update_fields=["kind", "title", "url", "published_at", "title_words", "snippet_text", "vector", "head"],
    )


def _text(source, record, field):
    """A field as words: rich text without tags or citation markers, its entities kept (snippets unescape once)."""
    value = getattr(record, field) or ""
    return plain_text(MARKER.sub(" ", value)) if field in source.rich_fields else value


def remove(record):
    if type(record) in _sources() and enabled():
        Document.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk).delete()


def rebuild():
    """Index every published record again; returns how many are indexed."""
    if not enabled():
        return 0
    Document.objects.all().delete()
    for model, source in _sources().items():
        content_type = ContentType.objects.get_for_model(model)
        batch = []
        for record in model.objects.filter(status=Status.PUBLISHED, draft_of=None).iterator(chunk_size=BATCH_SIZE):
            batch.append(_document(source, content_type, record))
            if len(batch) == BATCH_SIZE:
                _store(batch)
                batch = []
        if batch:
            _store(batch)
        translated = Translation.objects.readable().of_records(model, model.objects.values("pk"))
        _update_translations(model, sorted(set(translated.values_list("object_id", flat=True))))
    return Document.objects.count()


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        update(instance)


def _deleted(sender, instance, **kwargs):
    remove(instance)


def _connected(sender, connection, **kwargs):
    # Typo tolerance: a title matches a query whose words are this similar (pg_trgm's default is 0.6).
    from .engine import TRIGRAM_THRESHOLD

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET pg_trgm.word_similarity_threshold = {float(TRIGRAM_THRESHOLD)}")


def _migrated(sender, **kwargs):
    if enabled() and not Document.objects.exists():
        rebuild()
