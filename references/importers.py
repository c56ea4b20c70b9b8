"""
Reading reference-manager exports: RIS (Zotero, EndNote, Mendeley), BibTeX and PubMed's MEDLINE (.nbib).

The parsing is done by well-kept libraries: rispy for RIS, bibtexparser (1.4) for BibTeX and Biopython's
``Bio.Medline`` for MEDLINE. This module splits an export into its records first, so that one broken
record is reported on its own (with its number and line) instead of silently disappearing or swallowing
the records after it; then it maps each record to a :class:`~references.records.Reference` and checks it
with the same rules as the Source form.

:func:`read_references` is the entry point; :func:`references.services.import_references` saves what the
editor chose.
"""

import datetime
import io
import re
from dataclasses import dataclass, field

import bibtexparser
import rispy
from bibtexparser.bparser import BibTexParser
from bibtexparser.customization import InvalidName, splitname
from bibtexparser.latexenc import latex_to_unicode
from Bio import Medline
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from ivig_site.numbers import whole_number

from . import records
from .identifiers import normalize_doi, normalize_pmid
from .models import Source, SourceAuthor
from .records import Name, Reference, calendar_date, clean_citation_key, clean_text, normalize_pages

RIS, BIBTEX, MEDLINE = "ris", "bibtex", "medline"
FORMAT_NAMES = {
    RIS: "RIS (Zotero, EndNote, Mendeley)",
    BIBTEX: "BibTeX (Zotero, Mendeley, JabRef)",
    MEDLINE: "PubMed MEDLINE (.nbib)",
}
MAX_RECORDS = 500

_RIS_START = re.compile(r"^TY {1,2}- ?")
_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*)|)$")
_MEDLINE_START = re.compile(r"^PMID- ")
_MEDLINE_LINE = re.compile(r"^(?:[A-Z]{2,4} *- |      )")
_BIBTEX_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]")
# Digits are ASCII digits: \d would also take "٢٠١٧", which no export means and no reader could check.
_YEAR = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])")
_PMID_NOTE = re.compile(r"\bPMID:?\s*([0-9]{1,9})\b", re.IGNORECASE)
_DOI_IN_TEXT = re.compile(r"\b(10\.[0-9]{4,9}/\S+)", re.IGNORECASE)
_MEDLINE_DOI = re.compile(r"(\S+) \[doi\]")
_ROMAN_PAGES = re.compile(r"^[ivxlcdm]+(?:-[ivxlcdm]+)?$", re.IGNORECASE)


@dataclass
class ParsedRecord:
    """One record of an export, what it says, and what stands in the way of importing it."""

    number: int
    line: int
    reference: Reference | None = None
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    existing: Source | None = None
    match: str = ""  # why ``existing`` is taken to be the same work

    NEW, EXISTING, PROBLEM = "new", "existing", "problem"

    @property
    def status(self):
        if self.problems:
            return self.PROBLEM
        return self.NEW if self.existing is None else self.EXISTING

    @property
    def can_import(self):
        return self.status != self.PROBLEM

    @property
    def label(self):
        title = self.reference.title if self.reference and self.reference.title else _("(no title)")
        return _("Record %(number)d (line %(line)d): %(title)s") % {
            "number": self.number,
            "line": self.line,
            "title": title[:80],
        }


def detect_format(text):
    """``ris``, ``bibtex`` or ``medline`` from what the text looks like, or None."""
    lines = text.splitlines()
    if any(_RIS_START.match(line) for line in lines):
        return RIS
    if any(_MEDLINE_START.match(line) for line in lines):
        return MEDLINE
    if any(_BIBTEX_START.match(line) for line in lines):
        return BIBTEX
    return None


def read_references(text, fmt=None):
    """
    Every record of an export, each with its reference, its problems and the library source it matches.

    Raises ValidationError when the text is not an export at all, or has more than MAX_RECORDS records.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    fmt = fmt or detect_format(text)
    if fmt is None:
        raise ValidationError(
            _("This does not look like a RIS, BibTeX or PubMed (MEDLINE) export. In Zotero, EndNote or Mendeley, "
              "export the references as RIS or BibTeX; in PubMed, use Send to → Citation manager."),
            code="unknown_format",
        )  # fmt: skip
    parse = {RIS: _read_ris, BIBTEX: _read_bibtex, MEDLINE: _read_medline}[fmt]
    parsed = parse(text)
    if not parsed:
        raise ValidationError(
            _("No %(format)s records were found in this text.") % {"format": FORMAT_NAMES[fmt]},
            code="empty",
        )
    if len(parsed) > MAX_RECORDS:
        raise ValidationError(
            _("This export has %(count)d records; import at most %(max)d at a time.")
            % {"count": len(parsed), "max": MAX_RECORDS},
            code="too_many",
        )
    _check(parsed)
    return parsed


def _records(text, start):
    """``(number, first line, text)`` for each record, a record running from one start line to the next."""
    lines = text.split("\n")
    starts = [index for index, line in enumerate(lines) if start.match(line)]
    if not starts:  # e.g. a BibTeX export read as RIS: no record of that format at all
        return
    for number, (begin, end) in enumerate(zip(starts, [*starts[1:], len(lines)], strict=True), start=1):
        yield number, begin + 1, "\n".join(lines[begin:end])


# --- RIS ---------------------------------------------------------------------------------------------------

RIS_KINDS = {
    "JOUR": records.JOURNAL_ARTICLE,
    "JFULL": records.JOURNAL_ARTICLE,
    "EJOUR": records.JOURNAL_ARTICLE,
    "MGZN": records.JOURNAL_ARTICLE,
    "INPR": records.JOURNAL_ARTICLE,
    "ABST": records.JOURNAL_ARTICLE,
    "ELEC": records.WEB_PAGE,
    "WEB": records.WEB_PAGE,
    "BLOG": records.WEB_PAGE,
    "ICOMM": records.WEB_PAGE,
    "DBASE": records.WEB_PAGE,
    "BOOK": records.BOOK,
    "EBOOK": records.BOOK,
    "EDBOOK": records.BOOK,
    "CHAP": records.BOOK_CHAPTER,
    "ECHAP": records.BOOK_CHAPTER,
    "RPRT": records.REPORT,
    "GOVDOC": records.REPORT,
    "STAND": records.GUIDELINE,
}


def _read_ris(text):
    parsed = []
    for number, line, chunk in _records(text, _RIS_START):
        record = ParsedRecord(number, line)
        # Some exporters write "TY - JOUR" with one space; rispy reads the standard "TY  - JOUR".
        tidy = [_RIS_TAG.sub(lambda m: f"{m.group(1)}  - {m.group(2) or ''}", row) for row in chunk.split("\n")]
        if not any(row.startswith("ER  -") for row in tidy):
            record.problems.append(_("It does not end with “ER  -”: the export may have been cut off."))
            tidy.append("ER  - ")
        try:
            entries = rispy.loads("\n".join(tidy), skip_unknown_tags=False)
        except Exception as error:  # rispy raises plain exceptions on lines it cannot read
            record.problems.append(_("It could not be read as RIS (%(error)s).") % {"error": error})
            entries = []
        if entries:
            record.reference = _reference_from_ris(entries[0], record)
        parsed.append(record)
    return parsed


def _first(entry, *names):
    for name in names:
        value = entry.get(name)
        if isinstance(value, list):
            value = next((item for item in value if str(item).strip()), "")
        if value and str(value).strip():
            return clean_text(value)
    return ""


def _ris_date(value):
    """RIS dates: '2017', '2017///', '2017/03/01/', '2017-03-01' → (the year as written, full date or None)."""
    parts = [part.strip() for part in re.split(r"[/\-]", value or "") if part.strip()]
    return (parts[0] if parts else ""), (calendar_date(*parts[:3]) if len(parts) >= 3 else None)


def _reference_from_ris(entry, record):
    kind_code = _first(entry, "type_of_reference").upper()
    type_of_work = _first(entry, "type_of_work").lower()
    reference = Reference(kind=RIS_KINDS.get(kind_code, ""))
    if "guideline" in type_of_work:
        reference.kind = records.GUIDELINE
    reference.title = _first(entry, "title", "primary_title", "short_title")
    for text in [*entry.get("authors", []), *entry.get("first_authors", [])]:
        reference.add_author(text)
    urls = [url for value in entry.get("urls", []) for url in value.split() if url]
    reference.doi = normalize_doi(_first(entry, "doi"))
    if not reference.doi:
        doi_link = next((url for url in urls if "doi.org/" in url.lower()), "")
        reference.doi = normalize_doi(doi_link)
    reference.url = next((url for url in urls if "doi.org/" not in url.lower()), "")
    if reference.kind in {records.JOURNAL_ARTICLE, ""}:
        reference.publication = _first(
            entry, "alternate_title1", "alternate_title2", "journal_name", "secondary_title", "alternate_title3"
        )
    else:
        reference.publication = _first(entry, "secondary_title", "journal_name", "alternate_title3")
    if not reference.kind:
        reference.kind = _guess_kind(reference)
    reference.publisher = _first(entry, "publisher")
    year, year_date = _ris_date(_first(entry, "year", "publication_year"))
    date_year, date = _ris_date(_first(entry, "date"))
    reference.year, reference.published_on = _read_year([year, date_year], record), date or year_date
    reference.volume = _first(entry, "volume")
    reference.issue = _first(entry, "number")
    start, end = _first(entry, "start_page"), _first(entry, "end_page")
    reference.pages = normalize_pages(f"{start}-{end}" if start and end and "-" not in start else start or end)
    reference.accessed_on = _ris_date(_first(entry, "access_date"))[1]
    reference.pmid = _ris_pmid(entry)
    key = _first(entry, "id")
    reference.citation_key = clean_citation_key(key) if not key.isdigit() else ""
    return reference


def _ris_pmid(entry):
    accession = _first(entry, "accession_number")
    if accession.isascii() and accession.isdigit():
        return accession
    notes = [*entry.get("notes", []), _first(entry, "note")]
    for note in notes:
        found = _PMID_NOTE.search(str(note))
        if found:
            return found.group(1)
    return ""


def _guess_kind(reference):
    if reference.publication and (reference.volume or reference.pages or reference.doi):
        return records.JOURNAL_ARTICLE
    return records.WEB_PAGE if reference.url else records.REPORT


# --- BibTeX ------------------------------------------------------------------------------------------------

BIBTEX_KINDS = {
    "article": records.JOURNAL_ARTICLE,
    "book": records.BOOK,
    "inbook": records.BOOK_CHAPTER,
    "incollection": records.BOOK_CHAPTER,
    "techreport": records.REPORT,
    "report": records.REPORT,
    "online": records.WEB_PAGE,
    "electronic": records.WEB_PAGE,
    "www": records.WEB_PAGE,
    "webpage": records.WEB_PAGE,
}
_BIBTEX_IGNORED = {"comment", "preamble", "string"}
_MONTHS = {name: number for number, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
)}  # fmt: skip


def _read_bibtex(text):
    chunks = [(line, chunk) for _number, line, chunk in _records(text, _BIBTEX_START)]
    strings = "\n".join(chunk for _line, chunk in chunks if _entry_type(chunk) == "string")
    parsed = []
    entries = chunks
    entries = [(line, chunk) for line, chunk in entries if _entry_type(chunk) not in _BIBTEX_IGNORED]
    for number, (line, chunk) in enumerate(entries, start=1):
        record = ParsedRecord(number, line)
        opened, closed = _count_braces(chunk)
        if opened != closed:
            record.problems.append(
                _("Its braces do not match (%(opened)d “{” but %(closed)d “}”): a field may be cut off.")
                % {"opened": opened, "closed": closed}
            )
            parsed.append(record)
            continue
        parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True)
        try:
            found = bibtexparser.loads(f"{strings}\n{chunk}", parser).entries
        except Exception as error:  # the pyparsing grammar raises several kinds of errors
            found, reason = [], str(error)
        else:
            reason = ""
        if not found:
            record.problems.append(
                _("It could not be read as BibTeX%(reason)s. Check the commas between fields and that each value "
                  "is in braces or quotes.") % {"reason": f" ({reason})" if reason else ""}
            )  # fmt: skip
        else:
            record.reference = _reference_from_bibtex(found[0], record)
        parsed.append(record)
    return parsed


def _entry_type(chunk):
    match = _BIBTEX_START.match(chunk)
    return match.group(1).lower() if match else ""


def _count_braces(chunk):
    unescaped = re.sub(r"\\[{}]", "", chunk)
    return unescaped.count("{"), unescaped.count("}")


def _latex(value):
    """A BibTeX value as plain Unicode text: accents decoded, case-protecting braces dropped."""
    text = latex_to_unicode(value or "")
    return clean_text(re.sub(r"(?<!\\)[{}]", "", text).replace("\\&", "&").replace("\\%", "%"))


def _split_names(value):
    """'A and B and {C and D}' → ['A', 'B', '{C and D}']: 'and' inside braces belongs to a group's name."""
    names, depth, current = [], 0, []
    for word in re.split(r"(\s+)", " ".join(value.split())):
        depth += word.count("{") - word.count("}")
        if word.lower() == "and" and depth == 0:
            names.append("".join(current).strip())
            current = []
        else:
            current.append(word)
    names.append("".join(current).strip())
    return [name for name in names if name]


def _reference_from_bibtex(entry, record):
    entry_type = entry.get("ENTRYTYPE", "").lower()
    reference = Reference(kind=BIBTEX_KINDS.get(entry_type, ""))
    if "guideline" in entry.get("type", "").lower():
        reference.kind = records.GUIDELINE
    reference.title = _latex(entry.get("title", ""))
    for raw in _split_names(entry.get("author", "")):
        if raw.lower() == "others":
            reference.has_more_authors = True
            continue
        try:
            parts = splitname(raw)
        except InvalidName:
            record.problems.append(_("The author name “%(name)s” could not be read.") % {"name": _latex(raw)})
            continue
        family = _latex(" ".join(parts["von"] + parts["last"]))
        reference.authors.append(Name(family, _latex(" ".join(parts["first"]))))
    journal = _latex(entry.get("shortjournal") or entry.get("journal") or entry.get("journaltitle", ""))
    reference.publication = journal or _latex(entry.get("booktitle") or entry.get("howpublished", ""))
    if reference.publication.startswith("\\url"):
        reference.publication = ""
    reference.publisher = _latex(entry.get("publisher") or entry.get("institution") or entry.get("organization", ""))
    reference.doi = normalize_doi(_latex(entry.get("doi", "")))
    reference.url = clean_text(entry.get("url", ""))
    reference.year = _read_year([entry.get("year", ""), entry.get("date", "")], record)
    reference.published_on = _iso_date(entry.get("date", "")) or _bibtex_date(entry)
    reference.volume = _latex(entry.get("volume", ""))
    reference.issue = _latex(entry.get("number") or entry.get("issue", ""))
    reference.pages = normalize_pages(_latex(entry.get("pages", "")))
    reference.accessed_on = _iso_date(entry.get("urldate", ""))
    pmid = entry.get("pmid", "")
    if not pmid and entry.get("eprinttype", "").lower() == "pubmed":
        pmid = entry.get("eprint", "")
    if not pmid:
        found = _PMID_NOTE.search(entry.get("note", ""))
        pmid = found.group(1) if found else ""
    reference.pmid = normalize_pmid(clean_text(pmid))
    reference.citation_key = clean_citation_key(entry.get("ID", ""))
    if not reference.kind:
        reference.kind = records.WEB_PAGE if reference.url and not entry.get("journal") else _guess_kind(reference)
    return reference


def _iso_date(value):
    try:
        return datetime.date.fromisoformat(clean_text(value)[:10])
    except ValueError:
        return None


def _bibtex_date(entry):
    month = clean_text(entry.get("month", "")).lower()
    month_number = _MONTHS.get(month[:3]) or whole_number(month)
    return calendar_date(clean_text(entry.get("year", "")), month_number, clean_text(entry.get("day", "")))


# --- PubMed MEDLINE ----------------------------------------------------------------------------------------


def _read_medline(text):
    parsed = []
    for number, line, chunk in _records(text, _MEDLINE_START):
        record = ParsedRecord(number, line)
        rows = chunk.split("\n")
        for offset, row in enumerate(rows):
            if row.strip() and not _MEDLINE_LINE.match(row):
                record.problems.append(
                    _("Line %(line)d is not a MEDLINE field: “%(text)s”.")
                    % {"line": line + offset, "text": row.strip()[:60]}
                )
        found = list(Medline.parse(io.StringIO("\n".join(row for row in rows if row.strip()) + "\n")))
        if found:
            record.reference = _reference_from_medline(found[0], record)
        parsed.append(record)
    return parsed


def _medline_text(value):
    return clean_text(" ".join(value) if isinstance(value, list) else value)


def _reference_from_medline(entry, record):
    reference = Reference(kind=records.JOURNAL_ARTICLE)
    title = _medline_text(entry.get("TI", "") or entry.get("BTI", ""))
    if title.startswith("[") and title.endswith("]."):  # MEDLINE brackets titles translated into English
        title = title[1:-2]
    reference.title = title[:-1] if title.endswith(".") else title
    full_names, short_names = entry.get("FAU", []), entry.get("AU", [])
    for text in full_names or short_names:
        reference.add_author(text)
    for group in entry.get("CN", []):
        reference.authors.append(Name(clean_text(group)))
    reference.publication = _medline_text(entry.get("TA", "") or entry.get("JT", ""))
    published = _medline_text(entry.get("DP", ""))
    reference.year = _read_year([published], record)
    try:
        reference.published_on = datetime.datetime.strptime(published, "%Y %b %d").date()
    except ValueError:
        reference.published_on = None
    reference.volume = _medline_text(entry.get("VI", ""))
    reference.issue = _medline_text(entry.get("IP", ""))
    pages = [part.strip() for part in _medline_text(entry.get("PG", "")).split(",")]
    reference.pages = normalize_pages(", ".join(part for part in pages if part and not _ROMAN_PAGES.match(part)))
    identifiers = " ".join([_medline_text(entry.get("LID", "")), *entry.get("AID", [])])
    doi = _MEDLINE_DOI.search(identifiers)
    reference.doi = normalize_doi(doi.group(1)) if doi else ""
    reference.pmid = normalize_pmid(_medline_text(entry.get("PMID", "")))
    if "Retracted Publication" in entry.get("PT", []):
        record.notes.append(_("PubMed marks this publication as retracted."))
    if entry.get("BTI") and entry.get("TI"):
        reference.kind, reference.publication = records.BOOK_CHAPTER, _medline_text(entry["BTI"])
    elif entry.get("BTI"):
        reference.kind = records.BOOK
    reference.publisher = _medline_text(entry.get("PB", ""))
    return reference


# --- Years, in every format ---------------------------------------------------------------------------------


def _read_year(texts, record):
    """
    The first year (four digits standing alone) in ``texts``, the places a record may give it, in order. When
    one holds text but none a year ("in press", "99999999999", "²⁰¹⁷"), the record gets a problem, so that
    the editor sees why instead of a source silently saved without its year.
    """
    given = [clean_text(text) for text in texts if clean_text(text)]
    for text in given:
        found = _YEAR.search(text)
        if found:
            return whole_number(found.group(1))
    if given:
        record.problems.append(
            _("“%(text)s” is not a year: give the year of publication as four digits, e.g. 2017.")
            % {"text": given[0][:40]}
        )
    return None


# --- Checks ------------------------------------------------------------------------------------------------

_LABELS = {f.name: str(f.verbose_name)[:1].upper() + str(f.verbose_name)[1:] for f in Source._meta.fields}


def problems_with(reference):
    """What stops ``reference`` from becoming a Source, in the Source form's words."""
    problems = []
    if not reference.title:
        problems.append(_("It has no title."))
    source = Source(**reference.source_fields())
    try:
        source.clean_fields(exclude=["title", "citation_key"] if not reference.title else ["citation_key"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            problems.extend(f"{_LABELS.get(name, name)}: {message}" for message in messages)
    problems.extend(f"{_LABELS.get(name, name)}: {message}" for name, message in source.content_errors().items())
    family_max = SourceAuthor._meta.get_field("family_name").max_length
    given_max = SourceAuthor._meta.get_field("given_names").max_length
    for name in reference.authors:
        if len(name.family) > family_max or len(name.given) > given_max:
            problems.append(_("The author name “%(name)s…” is too long.") % {"name": name.family[:40]})
    return problems


def _title_key(title):
    return " ".join(re.sub(r"[\W_]+", " ", title.casefold()).split())


def _same_work(reference, source):
    """Whether a library source without a shared identifier is the same work: same title and year, no other DOI."""
    if _title_key(reference.title) != _title_key(source.title):
        return False
    if reference.first_year and source.year and reference.first_year != source.year:
        return False
    return not (reference.doi and source.doi and reference.doi.lower() != source.doi.lower())


def _match_library(readable):
    """Set ``existing`` and ``match`` on records the library already has: by DOI, PMID, else title and year."""
    references = [record.reference for record in readable]
    dois = {reference.doi.lower() for reference in references if reference.doi}
    pmids = {reference.pmid for reference in references if reference.pmid}
    titles = {reference.title.lower() for reference in references if reference.title}
    library = list(
        Source.objects.originals()
        .annotate(doi_lower=Lower("doi"), title_lower=Lower("title"))
        .filter(Q(doi_lower__in=dois) | Q(pmid__in=pmids) | Q(title_lower__in=titles))
    )
    by_doi = {source.doi.lower(): source for source in library if source.doi}
    by_pmid = {source.pmid: source for source in library if source.pmid}
    for record in readable:
        reference = record.reference
        if reference.doi.lower() in by_doi:
            record.existing, record.match = by_doi[reference.doi.lower()], _("same DOI")
        elif reference.pmid in by_pmid:
            record.existing, record.match = by_pmid[reference.pmid], _("same PubMed ID")
        else:
            same = next((source for source in library if _same_work(reference, source)), None)
            if same is not None:
                record.existing, record.match = same, _("same title and year")


def _check(parsed):
    """Add each record's problems, and find the records the library already has."""
    readable = [record for record in parsed if record.reference is not None]
    _match_library(readable)
    seen = {}
    for record in parsed:
        reference = record.reference
        if reference is None:
            if not record.problems:
                record.problems.append(_("It holds no reference."))
            continue
        if record.existing is None:
            record.problems.extend(problems_with(reference))
        for identifier in [("doi", reference.doi.lower()), ("pmid", reference.pmid)]:
            if not identifier[1]:
                continue
            if identifier in seen:
                record.existing = None
                record.problems.append(
                    _("It repeats record %(number)d (same %(what)s).")
                    % {"number": seen[identifier], "what": "DOI" if identifier[0] == "doi" else "PubMed ID"}
                )
                break
            seen[identifier] = record.number
