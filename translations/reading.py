"""
What readers of a language get: a record in their language where a reviewed translation is published, else
nothing (listings) or a page that says so (detail pages): a page never mixes languages without saying so.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import translate_url
from django.utils.translation import override

from .languages import current_language, native_name, source_language
from .models import Translation, is_translatable


def published_translations(model, pks, language):
    """``{pk: translation}`` of the readable translations into ``language`` of the records of ``model``."""
    found = Translation.objects.readable().in_language(language).of_records(model, pks).select_related("fact_checker")
    return {translation.object_id: translation for translation in found}


def translated_only(queryset, language=None):
    """``queryset`` of records readers can read in ``language`` (the current one): all of them in English."""
    language = language or current_language()
    if language == source_language():
        return queryset
    translated = (
        Translation.objects.readable()
        .in_language(language)
        .filter(content_type=ContentType.objects.get_for_model(queryset.model))
    )
    return queryset.filter(pk__in=translated.values("object_id"))


def localize(records, language=None):
    """
    Lay the readable translations into ``language`` (the current one) over ``records`` (originals of one model),
    in one query. Each record gets ``shown_language``: the language it is shown in; one left in English links its
    English page. Returns ``records``.
    """
    records = list(records)
    language = language or current_language()
    for record in records:
        record.shown_language = source_language()
    if language == source_language() or not records or not is_translatable(type(records[0])):
        return records
    translations = published_translations(type(records[0]), [record.pk for record in records], language)
    for record in records:
        if record.pk in translations:
            translations[record.pk].apply_to(record)
        else:  # shown in English, marked so, and linked to its English page rather than a "not available" one
            with override(source_language()):
                english_url = record.get_absolute_url()
            record.get_absolute_url = lambda url=english_url: url
    return records


def localize_related(record, language, depth=2):
    """
    Lay translations into ``language`` over the translatable records ``record`` has loaded (its prefetched lists
    and followed foreign keys, and theirs, ``depth`` deep): the side effects an article lists, its conditions.
    Each gets ``shown_language``, so a page can mark what it shows in English.
    """
    found = {}

    def walk(obj, level):
        loaded = list(getattr(obj, "_prefetched_objects_cache", {}).values()) + list(obj._state.fields_cache.values())
        for value in loaded:
            rows = list(value) if hasattr(value, "__iter__") and not isinstance(value, models.Model) else [value]
            for row in rows:
                if not isinstance(row, models.Model):
                    continue
                if is_translatable(type(row)):
                    found.setdefault(type(row), []).append(row)
                if level < depth:
                    walk(row, level + 1)

    walk(record, 1)
    for rows in found.values():
        localize(rows, language)
    return record


def page_languages(path, available=None):
    """
    The entries of the language switcher and the ``hreflang`` links: ``[{"code", "name", "url", "current"}]``,
    one per language, ``url`` being the page at ``path`` in that language, or None where it has no page in it
    (``available``: the languages it has; every language when None, e.g. a listing).
    """
    current = current_language()
    entries = []
    for code, _name in settings.LANGUAGES:
        url = None
        if available is None or code in available or code == current:
            url = translate_url(path, code)
            if code != current and url == path:  # no such page here (a 404): nothing to switch to
                url = None
        entries.append({"code": code, "name": native_name(code), "url": url, "current": code == current})
    return entries
