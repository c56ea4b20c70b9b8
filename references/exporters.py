"""
An article's sources as files for reference managers: RIS (rispy) and BibTeX (bibtexparser).

Both read back through :mod:`references.importers` to the same data. One thing RIS cannot carry: the
"more authors not listed" flag, which has no RIS tag (BibTeX writes it as "and others").
"""

import re

import rispy
from bibtexparser.bibdatabase import BibDatabase
from bibtexparser.bwriter import BibTexWriter

from . import records
from .records import Reference, suggest_citation_key

RIS_CONTENT_TYPE = "application/x-research-info-systems; charset=utf-8"
BIBTEX_CONTENT_TYPE = "application/x-bibtex; charset=utf-8"

RIS_TYPES = {
    records.JOURNAL_ARTICLE: "JOUR",
    records.WEB_PAGE: "ELEC",
    records.GUIDELINE: "RPRT",
    records.BOOK: "BOOK",
    records.BOOK_CHAPTER: "CHAP",
    records.REPORT: "RPRT",
}
BIBTEX_TYPES = {
    records.JOURNAL_ARTICLE: "article",
    records.WEB_PAGE: "misc",
    records.GUIDELINE: "techreport",
    records.BOOK: "book",
    records.BOOK_CHAPTER: "incollection",
    records.REPORT: "techreport",
}
GUIDELINE = "Guideline"


class _RisWriter(rispy.RisWriter):
    """rispy's writer without the "1." line it puts before each record, which some managers trip over."""

    def set_header(self, count):
        return ""


def _ris_date(date):
    return f"{date:%Y/%m/%d}/" if date else ""


def to_ris(sources):
    """``sources`` (with their authors prefetched) as one RIS file."""
    entries = []
    for source in sources:
        reference = Reference.from_source(source)
        entry = {
            "type_of_reference": RIS_TYPES.get(reference.kind, "GEN"),
            "id": reference.citation_key,
            "title": reference.title,
            "authors": [f"{name.family}, {name.given}" if name.given else name.family for name in reference.authors],
            "secondary_title": reference.publication,
            "alternate_title1": reference.publication if reference.kind == records.JOURNAL_ARTICLE else "",
            "publisher": reference.publisher,
            "year": str(reference.year or ""),
            "date": _ris_date(reference.published_on),
            "volume": reference.volume,
            "number": reference.issue,
            "doi": reference.doi,
            "accession_number": reference.pmid,
            "name_of_database": "PubMed" if reference.pmid else "",
            "urls": [reference.url] if reference.url else [],
            "access_date": _ris_date(reference.accessed_on),
            "type_of_work": GUIDELINE if reference.kind == records.GUIDELINE else "",
        }
        start, _, end = reference.pages.partition("-")
        entry["start_page"], entry["end_page"] = (start, end) if end else (reference.pages, "")
        entries.append({name: value for name, value in entry.items() if value})
    return rispy.dumps(entries, implementation=_RisWriter)


_LATEX_SPECIALS = re.compile(r"([&%$#])")


def _braced(text):
    """A value safe inside BibTeX braces: LaTeX specials escaped, stray braces dropped."""
    return _LATEX_SPECIALS.sub(r"\\\1", text.replace("{", "").replace("}", ""))


def _bibtex_name(name):
    if name.is_group:
        return "{" + _braced(name.family) + "}"
    return f"{_braced(name.family)}, {_braced(name.given)}"


def to_bibtex(sources):
    """``sources`` (with their authors prefetched) as one BibTeX file."""
    database = BibDatabase()
    taken = set()
    for source in sources:
        reference = Reference.from_source(source)
        key = reference.citation_key or suggest_citation_key(reference, taken)
        while key.lower() in taken:
            key = suggest_citation_key(reference, taken)
        taken.add(key.lower())
        names = [_bibtex_name(name) for name in reference.authors]
        if reference.has_more_authors:
            names.append("others")
        container = {
            records.JOURNAL_ARTICLE: "journal",
            records.BOOK_CHAPTER: "booktitle",
        }.get(reference.kind, "howpublished")
        entry = {
            "ENTRYTYPE": BIBTEX_TYPES.get(reference.kind, "misc"),
            "ID": key,
            "author": " and ".join(names),
            "title": _braced(reference.title),
            container: _braced(reference.publication),
            "publisher": _braced(reference.publisher),
            "year": str(reference.year or ""),
            "date": reference.published_on.isoformat() if reference.published_on else "",
            "volume": _braced(reference.volume),
            "number": _braced(reference.issue),
            "pages": reference.pages.replace("-", "--"),
            "doi": reference.doi,
            "pmid": reference.pmid,
            "url": reference.url,
            "urldate": reference.accessed_on.isoformat() if reference.accessed_on else "",
            "type": GUIDELINE if reference.kind == records.GUIDELINE else "",
        }
        database.entries.append({name: value for name, value in entry.items() if value})
    writer = BibTexWriter()
    writer.order_entries_by = None
    writer.indent = "  "
    return writer.write(database)
