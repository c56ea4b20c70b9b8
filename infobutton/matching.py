"""Which published pages answer an Infobutton request: by code, then up the hierarchy, then by name."""

import re
from dataclasses import dataclass

from articles.models import Article, Condition

from .codes import ancestors

MAX_ENTRIES = 3


@dataclass
class Match:
    conditions: list
    matched_by: str  # "code", "hierarchy", "name" or ""
    code: str = ""


def _words(text):
    return set(re.findall(r"[a-z0-9]+", (text or "").lower()))


def find_conditions(code="", display_name=""):
    published = Condition.objects.published()
    if code:
        exact = list(published.filter(icd10_code=code))
        if exact:
            return Match(exact, "code", code)
        for parent in ancestors(code):
            found = list(published.filter(icd10_code=parent))
            if found:
                return Match(found, "hierarchy", parent)
    if _words(display_name):
        named = [condition for condition in published if _name_matches(condition, display_name)]
        if named:
            return Match(named[:MAX_ENTRIES], "name")
    return Match([], "")


def _name_matches(condition, display_name):
    asked = " ".join(re.findall(r"[a-z0-9]+", display_name.lower()))
    name = " ".join(re.findall(r"[a-z0-9]+", condition.name.lower()))
    if not asked or not name:
        return False
    if name in asked or asked in name:
        return True
    abbreviation = condition.abbreviation.lower()
    return bool(abbreviation) and abbreviation in _words(display_name)


def entries_for(match):
    """Up to three published pages: the matched conditions' own pages, then their articles, overviews first."""
    entries = list(match.conditions[:MAX_ENTRIES])
    if len(entries) < MAX_ENTRIES and match.conditions:
        kinds = [kind for kind, _ in Article.Kind.choices]
        articles = (
            Article.objects.published().filter(conditions__in=match.conditions).distinct().order_by("-published_at")
        )
        ordered = sorted(articles[:20], key=lambda article: kinds.index(article.kind))
        entries.extend(ordered[: MAX_ENTRIES - len(entries)])
    return entries
