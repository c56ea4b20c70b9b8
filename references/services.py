"""
Changes to the library that touch several rows: importing references, merging duplicates, recording a
retraction, filling a source from Crossref. Each is one transactional function, used by the admin and the
tests alike, and checks the actor's permissions itself.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from review.content import FIELD, parts
from review.workflow import flag_for_review

from . import crossref
from .formatting import format_source
from .markers import cited_fields, renumber_citations, replace_keys, source_keys
from .models import Citation, Source, SourceAuthor
from .records import Reference, suggest_citation_key

# --- Citation keys -------------------------------------------------------------------------------------------


def taken_citation_keys(exclude=None):
    keys = Source.objects.originals().exclude(citation_key="")
    if exclude is not None:
        keys = keys.exclude(pk=exclude.pk)
    return set(keys.annotate(lower=Lower("citation_key")).values_list("lower", flat=True))


def ensure_citation_key(source):
    """Give ``source`` a key from its first author and year when it has none (after its authors are saved)."""
    if source.citation_key:
        return source.citation_key
    source.citation_key = suggest_citation_key(Reference.from_source(source), taken_citation_keys())
    source.save(update_fields=["citation_key"])
    return source.citation_key


# --- Import --------------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    reused: list = field(default_factory=list)
    attached: list = field(default_factory=list)
    already_cited: list = field(default_factory=list)


def check_can_import(user, record=None):
    if not user.has_perm("references.add_source"):
        raise PermissionDenied(_("You do not have permission to add sources."))
    if record is not None and not user.has_perm(f"{record._meta.app_label}.change_{record._meta.model_name}"):
        raise PermissionDenied(
            _("You do not have permission to change %(things)s.") % {"things": record._meta.verbose_name_plural}
        )


@transaction.atomic
def import_references(parsed, chosen, by, cite_in=None):
    """
    Save the ``chosen`` records (by number) of a parsed export: new ones become sources, ones the library
    already has are reused; with ``cite_in`` (an article or another citing page), all of them are cited by
    it in the export's order, after its current sources, skipping any it already cites. All or nothing: any
    problem and nothing is saved.
    """
    article = cite_in
    check_can_import(by, article)
    if article is not None and not article.is_editable:
        raise ValidationError(
            _("“%(title)s” is %(status)s, so its sources cannot change. Start a new version of it first.")
            % {"title": article, "status": article.get_status_display().lower()}
        )
    chosen = set(chosen)
    records = [record for record in parsed if record.number in chosen]
    if not records:
        raise ValidationError(_("Choose at least one reference to import."))
    blocked = [record for record in records if not record.can_import]
    if blocked:
        raise ValidationError(
            [_("%(record)s cannot be imported: %(problems)s") % {"record": r.label, "problems": " ".join(r.problems)}
             for r in blocked]
        )  # fmt: skip
    result = ImportResult()
    taken = taken_citation_keys()
    sources = []
    for record in records:
        if record.existing is not None:
            sources.append(record.existing)
            result.reused.append(record.existing)
            continue
        source = _create_source(record, taken)
        sources.append(source)
        result.created.append(source)
    if article is not None:
        _attach(article, sources, result)
    return result


def _create_source(record, taken):
    reference = record.reference
    key = reference.citation_key
    if not key or key.lower() in taken:
        key = suggest_citation_key(reference, taken)
    taken.add(key.lower())
    source = Source(**{**reference.source_fields(), "citation_key": key})
    try:
        source.full_clean()
        with transaction.atomic():
            source.save()
    except ValidationError as error:
        raise ValidationError(
            _("%(record)s cannot be imported: %(problems)s")
            % {"record": record.label, "problems": " ".join(error.messages)}
        ) from error
    except IntegrityError as error:  # someone added the same DOI or PMID since the preview
        raise ValidationError(
            _("%(record)s was added to the library by someone else meanwhile. Preview the import again.")
            % {"record": record.label}
        ) from error
    SourceAuthor.objects.bulk_create(
        SourceAuthor(source=source, position=position, family_name=name.family, given_names=name.given)
        for position, name in enumerate(reference.authors, start=1)
    )
    return source


def _attach(article, sources, result):
    cited = set(article.citations.values_list("source_id", flat=True))
    position = article.citations.aggregate(last=Max("position"))["last"] or 0
    for source in sources:
        if source.pk in cited:
            result.already_cited.append(source)
            continue
        position += 1
        article.citations.create(source=source, position=position)
        cited.add(source.pk)
        result.attached.append(source)
    renumber_citations(article)


# --- Retractions ---------------------------------------------------------------------------------------------


def retraction_reason(source):
    reason = _("Cited source retracted on %(date)s: %(reference)s") % {
        "date": source.retracted_on.isoformat(),
        "reference": format_source(source, html=False),
    }
    if source.retraction_notice_url:
        reason += " " + _("Notice: %(url)s") % {"url": source.retraction_notice_url}
    return reason


def citing_records(source):
    """Every record (article, condition page…) citing ``source``, working copies included."""
    records = []
    for model in Citation.citing_models():
        records.extend(model.objects.filter(citations__source=source).distinct().order_by("pk"))
    return records


@transaction.atomic
def flag_citing_articles(source, by=None):
    """Send every record citing the (retracted) ``source`` back to the review queue; returns them."""
    reason = retraction_reason(source)
    records = citing_records(source.draft_of or source)  # a retraction entered in a new version: the library's
    for record in records:
        flag_for_review(record, reason, by=by)
    return records


@transaction.atomic
def retract(source, on, notice_url="", by=None):
    """Record that ``source`` was retracted on ``on``, and flag every article citing it for review."""
    if by is not None and not by.has_perm("references.change_source"):
        raise PermissionDenied(_("You do not have permission to change sources."))
    was_retracted = source.is_retracted
    source.retracted_on, source.retraction_notice_url = on, notice_url
    source.full_clean()
    source.save()
    return [] if was_retracted else flag_citing_articles(source, by=by)


# --- Merging duplicates --------------------------------------------------------------------------------------


def merged_fields():
    """What a merge fills in on the kept source from the others: its declared fields but the kind and "et al"."""
    return [part.name for part in parts(Source) if part.kind == FIELD and part.name not in {"kind", "has_more_authors"}]


def check_can_merge(user):
    if not (user.has_perm("references.change_source") and user.has_perm("references.delete_source")):
        raise PermissionDenied(_("Merging sources needs permission to change and to delete sources."))


@transaction.atomic
def merge_sources(survivor, duplicates, by):
    """
    Fold ``duplicates`` into ``survivor``: their citations point at it (an article citing both keeps one
    citation, at the earlier position), its empty fields and missing authors are filled from them, markers
    naming them in article texts name it instead, and they are deleted. Returns the articles affected.
    """
    check_can_merge(by)
    ids = [source.pk for source in duplicates if source.pk != survivor.pk]
    if not ids:
        raise ValidationError(_("Choose at least two different sources to merge."))
    locked = {source.pk: source for source in Source.objects.select_for_update().filter(pk__in=[survivor.pk, *ids])}
    survivor = locked[survivor.pk]
    duplicates = [locked[pk] for pk in ids]
    was_retracted = survivor.is_retracted
    old_keys = set()
    affected = {}
    for duplicate in duplicates:
        old_keys |= source_keys(duplicate)
        for name in merged_fields():
            if not getattr(survivor, name) and getattr(duplicate, name):
                setattr(survivor, name, getattr(duplicate, name))
        if not survivor.authors.exists():
            duplicate.authors.update(source=survivor)
            survivor.has_more_authors = duplicate.has_more_authors
        for citation in duplicate.citations.all():
            affected[(citation.content_type_id, citation.object_id)] = citation.record
            kept = Citation.objects.filter(
                content_type_id=citation.content_type_id, object_id=citation.object_id, source=survivor
            ).first()
            if kept is None:
                citation.source = survivor
                citation.save(update_fields=["source"])
                continue
            kept.position = min(kept.position, citation.position)
            citation.delete()
            kept.save(update_fields=["position"])
        duplicate.delete()
    survivor.full_clean()
    survivor.save()
    for record in affected.values():
        changed = []
        for name in cited_fields(record):
            text = replace_keys(getattr(record, name), old_keys - source_keys(survivor), survivor.marker_key)
            if text != getattr(record, name):
                setattr(record, name, text)
                changed.append(name)
        if changed:
            record.save(update_fields=changed)
        renumber_citations(record)
    if survivor.is_retracted and not was_retracted:
        flag_citing_articles(survivor, by=by)
    return list(affected.values())


# --- Crossref ------------------------------------------------------------------------------------------------

FILLED_FROM_CROSSREF = ["title", "publication", "publisher", "year", "published_on", "volume", "issue", "pages"]


@transaction.atomic
def fill_from_crossref(source, by):
    """
    Fill ``source``'s empty fields (and its authors, if it has none) from Crossref, by its DOI; returns the
    names of what was filled. Never overwrites what an editor entered. Raises CrossrefError.
    """
    if not by.has_perm("references.change_source"):
        raise PermissionDenied(_("You do not have permission to change sources."))
    if not source.doi:
        raise crossref.CrossrefError(_("“%(source)s” has no DOI to look up.") % {"source": source})
    reference = crossref.fetch(source.doi)
    filled = []
    for name in FILLED_FROM_CROSSREF:
        if not getattr(source, name) and getattr(reference, name):
            setattr(source, name, getattr(reference, name))
            filled.append(str(Source._meta.get_field(name).verbose_name))
    try:
        source.full_clean()
    except ValidationError as error:
        raise crossref.CrossrefError(
            _("Crossref’s data does not fit this source: %(problems)s") % {"problems": " ".join(error.messages)}
        ) from error
    source.save()
    if reference.authors and not source.authors.exists():
        SourceAuthor.objects.bulk_create(
            SourceAuthor(source=source, position=position, family_name=name.family, given_names=name.given)
            for position, name in enumerate(reference.authors, start=1)
        )
        filled.append(str(_("authors")))
    return filled
