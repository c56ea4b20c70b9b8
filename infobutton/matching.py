"""
Which published pages answer an Infobutton request. For each search criterion: a condition by its code, then
by a code above it in the ICD hierarchy, then by an ICD range that covers it; a product by its RxNorm code;
and when no code answers, a condition or product by name (accents, case, punctuation and word order aside).
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q

from articles.models import Article, CodeSystem, Condition, ConditionCode, Product
from articles.models.codes import ancestors, category
from translations.models import Translation

MAX_ENTRIES = 3  # for one criterion
MAX_TOTAL = 10  # for a whole request
# Words that alone say nothing about which condition is meant ("syndrome"), left out of a partial name match.
_VAGUE = {"a", "an", "and", "the", "of", "in", "on", "to", "or", "with", "due", "for", "by", "nos", "other",
          "unspecified", "disease", "disorder", "syndrome", "deficiency", "acute", "chronic", "type"}  # fmt: skip


@dataclass
class Match:
    criterion: object
    records: list  # conditions, or products for an RxNorm code
    matched_by: str  # "code", "hierarchy", "range", "name" or ""
    code: str = ""  # the code (or range) of ours that matched


def words(text):
    """``"Guillain-Barré syndrome"`` → ``["guillain", "barre", "syndrome"]``: what a name match compares."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(character for character in decomposed if not unicodedata.combining(character))
    return re.findall(r"[a-z0-9]+", plain.casefold())


def find(criterion):
    """The :class:`Match` for one criterion (see :mod:`infobutton.request`)."""
    if criterion.system == CodeSystem.RXNORM:
        products = list(
            Product.objects.published().filter(codes__system=CodeSystem.RXNORM, codes__code=criterion.code).distinct()
        )
        if products:
            return Match(criterion, products, "code", criterion.code)
    elif criterion.system:
        match = _by_code(criterion)
        if match:
            return match
    if words(criterion.display_name):
        named = _by_name(criterion.display_name)
        if named:
            return Match(criterion, named[:MAX_ENTRIES], "name")
    return Match(criterion, [], "")


def _by_code(criterion):
    code, system = criterion.code, criterion.system
    above = ancestors(code) if system in (CodeSystem.ICD10CM, CodeSystem.ICD9CM) else []
    single = Q(code__in=[code, *above], last_code="")
    covering = ~Q(last_code="") & Q(code__lte=category(code), last_code__gte=category(code))
    rows = ConditionCode.objects.filter(
        single | covering,
        system=system,
        condition__in=Condition.objects.published(),
    ).select_related("condition")
    rows = sorted(rows, key=lambda row: (row.condition.name, row.pk))
    for wanted, how in [(code, "code"), *((parent, "hierarchy") for parent in above)]:
        found = [row.condition for row in rows if row.code == wanted and not row.is_range]
        if found:
            return Match(criterion, _unique(found), how, wanted)
    ranges = [row for row in rows if row.covers(code)]
    if ranges:
        return Match(criterion, _unique([row.condition for row in ranges]), "range", ranges[0].display_code)
    return None


def _by_name(asked):
    asked_words = set(words(asked))
    scored = []
    conditions = list(Condition.objects.published().prefetch_related("codes"))
    # A health record in Spanish sends Spanish names: those of the reviewed translations count too.
    translated = Translation.objects.readable().of_records(Condition, [condition.pk for condition in conditions])
    local_names = {}
    for translation in translated:
        local_names.setdefault(translation.object_id, []).extend(
            [translation.text.get("name", ""), translation.text.get("abbreviation", "")]
        )
    for condition in conditions:
        names = [condition.name, *condition.synonym_list, *(code.title for code in condition.codes.all())]
        names += [name for name in local_names.get(condition.pk, []) if name]
        score = max(_name_score(asked_words, name) for name in names)
        if condition.abbreviation and condition.abbreviation.casefold() in asked_words:
            score = max(score, 2)
        if score:
            scored.append((score, condition.name, condition))
    if not scored:
        for product in Product.objects.published():
            score = max(_name_score(asked_words, name) for name in (product.brand_name, product.nonproprietary_name))
            if score:
                scored.append((score, product.brand_name, product))
    return [record for _score, _name, record in sorted(scored, key=lambda item: (-item[0], item[1]))]


def _name_score(asked, name):
    """3: the same words; 2: the request names every word of ``name``; 1: ``name`` holds the request's telling words."""
    name_words = set(words(name))
    if not name_words:
        return 0
    if name_words == asked:
        return 3
    if name_words <= asked:
        return 2
    telling = asked - _VAGUE
    if telling and telling <= name_words and any(len(word) >= 4 for word in telling):
        return 1
    return 0


def _unique(records):
    return list({record.pk: record for record in records}.values())


def entries_for(matches):
    """
    The published pages that answer: for each criterion in turn, up to three, the matched records' own pages
    first, then articles about them, overviews first; each page once, at most ten in all.
    """
    kinds = [kind for kind, _ in Article.Kind.choices]
    entries = []
    for match in matches:
        found = list(match.records[:MAX_ENTRIES])
        if found and len(found) < MAX_ENTRIES:
            about = {"products__in" if isinstance(found[0], Product) else "conditions__in": match.records}
            articles = Article.objects.published().filter(**about).distinct().order_by("-published_at")
            ordered = sorted(articles[:20], key=lambda article: kinds.index(article.kind))
            found.extend(ordered[: MAX_ENTRIES - len(found)])
        entries.extend(record for record in found if record not in entries)
    return entries[:MAX_TOTAL]
