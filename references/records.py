"""
A reference as plain data: what the importers read, the exporters write, Crossref returns and the
formatter prints. :class:`Reference` mirrors :class:`references.models.Source` field for field, so a
reference from any of them can be previewed, compared and saved the same way.

Nothing here touches the database.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field, fields

from django.utils.text import slugify

from ivig_site.numbers import whole_number

# Source.Kind values, spelled out here so that this module needs no models.
JOURNAL_ARTICLE = "journal_article"
WEB_PAGE = "web_page"
GUIDELINE = "guideline"
BOOK = "book"
BOOK_CHAPTER = "book_chapter"
REPORT = "report"

CITATION_KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")

_DASHES = re.compile(r"\s*(?:--|[‐‑‒–—−-])\s*")
_PAGE = re.compile(r"^([A-Za-z]*)(\d+)([A-Za-z]*)$")


def initials(given_names):
    """'Elena E.' → 'EE', 'Jean-Pierre' → 'JP', 'J. A.' → 'JA'; initials already written as 'EE' stay."""
    parts = given_names.replace(".", " ").replace("-", " ").split()
    if len(parts) == 1 and parts[0].isupper() and len(parts[0]) <= 3:
        return parts[0]
    return "".join(part[0].upper() for part in parts)


@dataclass(frozen=True)
class Name:
    """An author: a person (family and given names) or a group, which has no given names."""

    family: str
    given: str = ""

    @property
    def initials(self):
        return initials(self.given)

    @property
    def is_group(self):
        return not self.given

    def short(self):
        """'Perez EE', or the group's name."""
        return f"{self.family} {self.initials}".strip()

    @classmethod
    def parse(cls, text):
        """
        A name as reference managers write it: 'Perez, Elena E.', 'Perez, E. E., Jr', PubMed's 'Perez EE',
        or a group such as 'American Academy of Neurology'.
        """
        text = " ".join(text.split()).strip(" ,;")
        if "," in text:
            family, given = (part.strip() for part in text.split(",", 1))
            given = given.split(",", 1)[0].strip()  # "Smith, John, Jr" keeps "John"
            return cls(family, given)
        short = re.fullmatch(r"(.+?) ([A-Z]{1,3})", text)
        if short:
            return cls(short.group(1), short.group(2))
        return cls(text)


ET_AL = re.compile(r"^(?:et\.? ?al\.?|others)$", re.IGNORECASE)


@dataclass
class Reference:
    kind: str = JOURNAL_ARTICLE
    title: str = ""
    authors: list = field(default_factory=list)
    has_more_authors: bool = False
    publication: str = ""
    publisher: str = ""
    year: int | None = None
    published_on: datetime.date | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    url: str = ""
    accessed_on: datetime.date | None = None
    citation_key: str = ""
    retracted_on: datetime.date | None = None
    retraction_notice_url: str = ""

    @classmethod
    def from_source(cls, source):
        """The reference a saved source holds; reads ``source.authors.all()``, prefetched or not."""
        values = {f.name: getattr(source, f.name) for f in fields(cls) if f.name != "authors"}
        authors = [Name(author.family_name, author.given_names) for author in source.authors.all()]
        return cls(authors=authors, **values)

    def source_fields(self):
        """Keyword arguments for ``Source(...)``: every field but the authors."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "authors"}

    def comparable(self):
        """Everything that identifies and describes the work, for round-trip checks and merges."""
        values = self.source_fields()
        values.pop("citation_key")
        return {**values, "authors": [(name.family, name.given) for name in self.authors]}

    @property
    def first_year(self):
        return self.year or (self.published_on.year if self.published_on else None)

    def add_author(self, text):
        """Add a name as written in an export; 'et al' and BibTeX's 'others' mean the list goes on."""
        text = text.strip()
        if not text:
            return
        if ET_AL.match(text):
            self.has_more_authors = True
        else:
            self.authors.append(Name.parse(text))


def clean_text(text):
    """One line of text, spaces collapsed, composed Unicode (so 'é' from an export equals a typed 'é')."""
    return unicodedata.normalize("NFC", " ".join(str(text or "").split()))


def calendar_date(year, month, day):
    """The date of ``year``, ``month`` and ``day`` (numbers, or texts of ASCII digits), or None if they make none."""
    numbers = (whole_number(year, 1, 9999), whole_number(month, 1, 12), whole_number(day, 1, 31))
    if None in numbers:
        return None
    try:
        return datetime.date(*numbers)
    except ValueError:  # 31 February
        return None


def normalize_pages(pages):
    """
    Pages as AMA prints them: a hyphen between full numbers. '765--778' and '765–778' become '765-778';
    MEDLINE's shortened '765-78' becomes '765-778' and 'S1-46' becomes 'S1-S46'. Article numbers stay.
    """
    pages = clean_text(pages)
    parts = _DASHES.split(pages)
    if len(parts) != 2:
        return pages
    start, end = parts
    first, last = _PAGE.match(start), _PAGE.match(end)
    if first and last and not last.group(1):
        prefix, digits = first.group(1), first.group(2)
        end_digits = last.group(2)
        if len(end_digits) < len(digits):
            end_digits = digits[: len(digits) - len(end_digits)] + end_digits
        end = f"{prefix}{end_digits}{last.group(3)}"
    return f"{start}-{end}"


def abbreviate_pages(pages):
    """Pages as Vancouver (NLM) prints them: '765-778' → '765-78', 'S1-S46' → 'S1-46', '2-5' stays."""
    parts = pages.split("-")
    if len(parts) != 2:
        return pages
    first, last = _PAGE.match(parts[0]), _PAGE.match(parts[1])
    if not (first and last) or last.group(1) not in {"", first.group(1)} or first.group(3) or last.group(3):
        return pages
    start, end = first.group(2), last.group(2)
    if len(start) == len(end):
        shared = 0
        while shared < len(end) - 1 and start[shared] == end[shared]:
            shared += 1
        end = end[shared:]
    return f"{parts[0]}-{end}"


def suggest_citation_key(reference, taken=()):
    """
    A short, readable key for ``[cite:…]`` markers: 'perez-2017', then 'perez-2017b', 'perez-2017c'…
    when taken (``taken`` holds keys in lower case). Without authors the first words of the title are used.
    """
    if reference.authors:
        stem = slugify(reference.authors[0].family)[:30].strip("-")
    else:
        stem = slugify(" ".join(reference.title.split()[:3]))[:30].strip("-")
    stem = stem if stem and stem[0].isalpha() else f"source-{stem}".strip("-")
    year = reference.first_year
    base = f"{stem}-{year}" if year else stem
    candidate, suffix = base, ord("b")
    while candidate.lower() in taken:
        candidate = f"{base}{chr(suffix)}" if suffix <= ord("z") else f"{base}-{suffix - ord('a')}"
        suffix += 1
    return candidate


def clean_citation_key(key):
    """A reference manager's key ('Perez:2017', 'perez_update_2017') as one our markers accept, or ''."""
    key = re.sub(r"[^A-Za-z0-9_-]+", "-", clean_text(key)).strip("-")[:60]
    return key if CITATION_KEY_PATTERN.match(key) else ""
