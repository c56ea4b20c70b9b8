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
from review.guard import DELETABLE_STATUSES
from review.signals import records_merged
from review.workflow import flag_for_review, record_event, version_to_edit

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
def retract(source, on, by, notice_url=""):
    """
    Record that ``source`` was retracted on ``on`` (in a new version if it is published: readers are told once a
    reviewer publishes it), and flag every page citing it for review at once. Returns the pages flagged.
    """
    target = version_to_edit(source, by)
    was_retracted = target.is_retracted
    target.retracted_on, target.retraction_notice_url = on, notice_url
    target.full_clean()
    _edited(target, by, _("Retracted on %(date)s.") % {"date": on.isoformat()})
    return [] if was_retracted else flag_citing_articles(target, by=by)


# --- Editing on an editor's behalf ------------------------------------------------------------------------------


def _edited(record, by, comment):
    """Stamp a change made on ``by``'s behalf as an admin save would: a new edit version and an event."""
    record.last_edited_by = by
    record.lock_version += 1
    record.save()
    record_event(record, by, "edit", comment)
    return record


# --- Merging duplicates --------------------------------------------------------------------------------------


def merged_fields():
    """What a merge fills in on the kept source from the others: its declared fields but the kind and "et al"."""
    return [part.name for part in parts(Source) if part.kind == FIELD and part.name not in {"kind", "has_more_authors"}]


def check_can_merge(user):
    if not (user.has_perm("references.change_source") and user.has_perm("references.delete_source")):
        raise PermissionDenied(_("Merging sources needs permission to change and to delete sources."))


@dataclass
class MergeResult:
    survivor: object = None  # the version of the kept source that holds what the merge filled in, if anything
    changed: list = field(default_factory=list)  # editable records that now cite the kept source
    new_versions: list = field(default_factory=list)  # new versions of published records, to review and publish
    deleted: list = field(default_factory=list)  # the duplicates removed
    kept: list = field(default_factory=list)  # (duplicate, why it stays)


@transaction.atomic
def merge_sources(survivor, duplicates, by):
    """
    Fold ``duplicates`` into ``survivor`` through review. Every record citing a duplicate cites the survivor instead
    (an article citing both keeps one citation, at the earlier place, and markers naming a duplicate name the
    survivor): a draft in place, a published page in a new version that readers see only once a reviewer publishes
    it. The survivor's empty fields and missing authors are filled from the duplicates the same way. A duplicate is
    deleted once nothing cites it any more, unless readers may still see it; then it stays, and the result says why.
    All or nothing: a record that cannot change now (in review, scheduled…) refuses the whole merge, naming it.
    """
    check_can_merge(by)
    ids = [source.pk for source in duplicates if source.pk != survivor.pk]
    if not ids:
        raise ValidationError(_("Choose at least two different sources to merge."))
    locked = {source.pk: source for source in Source.objects.select_for_update().filter(pk__in=[survivor.pk, *ids])}
    survivor = locked[survivor.pk]
    duplicates = [locked[pk] for pk in ids]
    result = MergeResult()
    authors = {duplicate.pk: list(duplicate.authors.all()) for duplicate in duplicates}  # read before any goes
    old_keys = set().union(*(source_keys(duplicate) for duplicate in duplicates)) - source_keys(survivor)
    citing = {}
    for citation in Citation.objects.filter(source__in=duplicates).order_by("pk"):
        citing.setdefault((citation.content_type_id, citation.object_id), citation.record)
    done = set()
    for record in citing.values():
        target = version_to_edit(record, by)  # a published page and its new version share one
        if (type(target), target.pk) in done:
            continue
        done.add((type(target), target.pk))
        _cite_survivor_instead(target, duplicates, survivor, old_keys)
        _edited(target, by, _("Cites “%(title)s” instead of a duplicate of it.") % {"title": survivor.title})
        (result.new_versions if target.is_working_copy else result.changed).append(target)
    for duplicate in duplicates:
        still_cited = [citation.record for citation in Citation.objects.filter(source=duplicate)]
        if duplicate.status not in DELETABLE_STATUSES:
            why = _("it is %(status)s: readers may see it. Once no published page cites it, a reviewer archives it "
                    "and you merge again.") % {"status": duplicate.get_status_display().lower()}  # fmt: skip
            result.kept.append((duplicate, why))
        elif still_cited:
            why = _("published pages still cite it until their new versions are published: %(pages)s. Then merge "
                    "again.") % {"pages": ", ".join(f"“{record}”" for record in still_cited)}  # fmt: skip
            result.kept.append((duplicate, why))
        else:
            records_merged.send(Source, record=duplicate, into=survivor)
            duplicate.delete()
            result.deleted.append(duplicate)
    kept = [duplicate for duplicate, _why in result.kept]
    _fill_survivor(
        survivor, [(duplicate, authors[pk]) for pk, duplicate in zip(ids, duplicates, strict=True)], kept, by, result
    )
    return result


# Values no two sources in the library share: a duplicate that stays keeps its own.
UNIQUE_FIELDS = {"doi", "pmid", "citation_key"}


def _fill_survivor(survivor, donors, kept, by, result):
    """
    The kept source's empty fields and missing authors, from the duplicates (``donors``: ``(source, authors)``;
    ``kept``: those that stay, keeping their identifiers), in the version an editor may change now.
    """

    def fills(target):
        values = {}
        for name in merged_fields():
            for donor, _authors in donors:
                value = getattr(donor, name)
                if value in ("", None) or (name in UNIQUE_FIELDS and donor in kept):
                    continue
                if getattr(target, name) in ("", None):
                    values[name] = value
                break
        return values

    donor = next(((source, authors) for source, authors in donors if authors), None)
    needs_authors = donor is not None and not survivor.authors.exists()
    if not fills(survivor) and not needs_authors:
        return
    target = version_to_edit(survivor, by)
    for name, value in fills(target).items():
        setattr(target, name, value)
    if needs_authors and not target.authors.exists():
        source, authors = donor
        SourceAuthor.objects.bulk_create(
            SourceAuthor(source=target, position=a.position, family_name=a.family_name, given_names=a.given_names)
            for a in authors
        )
        target.has_more_authors = source.has_more_authors
    was_retracted = survivor.is_retracted
    target.full_clean()
    result.survivor = _edited(target, by, _("Filled in from its duplicates."))
    if target.is_retracted and not was_retracted:
        flag_citing_articles(target, by=by)


def _cite_survivor_instead(record, duplicates, survivor, old_keys):
    for citation in record.citations.filter(source__in=duplicates).order_by("position", "pk"):
        kept = record.citations.filter(source=survivor).first()
        if kept is None:
            citation.source = survivor
            citation.save(update_fields=["source"])
            continue
        kept.position = min(kept.position, citation.position)
        citation.delete()
        kept.save(update_fields=["position"])
    for name in cited_fields(record):
        setattr(record, name, replace_keys(getattr(record, name), old_keys, survivor.marker_key))
    renumber_citations(record)


# --- Crossref ------------------------------------------------------------------------------------------------

FILLED_FROM_CROSSREF = ["title", "publication", "publisher", "year", "published_on", "volume", "issue", "pages"]


def _crossref_fills(source, reference):
    return {
        name: getattr(reference, name)
        for name in FILLED_FROM_CROSSREF
        if not getattr(source, name) and getattr(reference, name)
    }


def fill_from_crossref(source, by):
    """
    Fill ``source``'s empty fields (and its authors, if it has none) from Crossref, by its DOI, never overwriting
    what an editor entered. A published source is filled in a new version, which goes through review like any other
    change. Returns ``(the record filled, names of what was filled)``. Raises CrossrefError, or
    :class:`~review.guard.NotEditable` for a source that cannot change now.
    """
    if not by.has_perm("references.change_source"):
        raise PermissionDenied(_("You do not have permission to change sources."))
    if not source.doi:
        raise crossref.CrossrefError(_("“%(source)s” has no DOI to look up.") % {"source": source})
    reference = crossref.fetch(source.doi)  # before any transaction: the network may be slow
    needs_authors = bool(reference.authors) and not source.authors.exists()
    if not _crossref_fills(source, reference) and not needs_authors:
        return source, []
    with transaction.atomic():
        target = version_to_edit(source, by)
        values = _crossref_fills(target, reference)
        for name, value in values.items():
            setattr(target, name, value)
        filled = [str(Source._meta.get_field(name).verbose_name) for name in values]
        try:
            target.full_clean()
        except ValidationError as error:
            raise crossref.CrossrefError(
                _("Crossref’s data does not fit this source: %(problems)s") % {"problems": " ".join(error.messages)}
            ) from error
        if needs_authors and not target.authors.exists():
            SourceAuthor.objects.bulk_create(
                SourceAuthor(source=target, position=position, family_name=name.family, given_names=name.given)
                for position, name in enumerate(reference.authors, start=1)
            )
            filled.append(str(_("authors")))
        if filled:
            _edited(target, by, _("Filled in from Crossref: %(fields)s.") % {"fields": ", ".join(filled)})
    return target, filled
