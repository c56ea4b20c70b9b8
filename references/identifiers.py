"""
Normalizing and validating the identifiers that make a source findable.

DOIs are stored bare and in lower case (``10.1016/j.jaci.2016.09.023``), whatever
form the editor pasted or a file gave: a doi.org link, a ``doi:`` prefix,
surrounding spaces, capitals (``10.3389/FIMMU.2018.01299``). DOIs are the same
in any letter case (doi.org resolves both), so lookups still ignore case, for
sources stored before DOIs were lower-cased. PMIDs are stored as their digits.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Digits are ASCII digits ([0-9], not \d, which also takes "١٠١٦"): what doi.org and PubMed know.
DOI_PATTERN = re.compile(r"^10\.[0-9]{4,9}/\S+$")
# "https://doi.org/", "http://dx.doi.org/", "www.doi.org/", "doi:", "DOI " (Springer's style)...
_DOI_PREFIXES = re.compile(r"^(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/|doi(?::\s*|\s+))", re.IGNORECASE)
PMID_PATTERN = re.compile(r"^[1-9][0-9]{0,8}$")
_PMID_PREFIX = re.compile(r"^pmid:?\s*", re.IGNORECASE)


def normalize_doi(value):
    """Return the bare, lower-case DOI for any common spelling of it ('' stays '')."""
    value = (value or "").strip()
    return _DOI_PREFIXES.sub("", value).strip().lower()


def validate_doi(value):
    if value and not DOI_PATTERN.match(normalize_doi(value)):
        raise ValidationError(
            _("“%(value)s” is not a DOI. A DOI starts with “10.”, then a slash, e.g. 10.1016/j.jaci.2016.09.023."),
            params={"value": value},
            code="invalid_doi",
        )


def normalize_pmid(value):
    value = (value or "").strip()
    return _PMID_PREFIX.sub("", value).strip()


def validate_pmid(value):
    if value and not PMID_PATTERN.match(normalize_pmid(value)):
        raise ValidationError(
            _("“%(value)s” is not a PubMed ID. A PMID is a number of up to 9 digits, e.g. 28041678."),
            params={"value": value},
            code="invalid_pmid",
        )


def doi_url(doi):
    return f"https://doi.org/{doi}" if doi else ""


def pubmed_url(pmid):
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else ""
