"""ICD-10 codes as requests spell them, and the hierarchy above a code."""

import re

from articles.models import ICD10_PATTERN

ICD10_CM = "2.16.840.1.113883.6.90"
ICD10_WHO = "2.16.840.1.113883.6.3"
CODE_SYSTEMS = {ICD10_CM: "ICD-10-CM", ICD10_WHO: "ICD-10"}

_CODE = re.compile(ICD10_PATTERN)


class InvalidCode(ValueError):
    pass


def normalize_icd10(code):
    """``"d693"``, ``"D69.3"`` or ``" D69.3 "`` → ``"D69.3"``; anything that is not an ICD-10 code raises."""
    compact = re.sub(r"[\s.]", "", str(code)).upper()
    spelled = f"{compact[:3]}.{compact[3:]}" if len(compact) > 3 else compact
    if not _CODE.match(spelled):
        raise InvalidCode(f"“{str(code)[:20]}” is not an ICD-10 code; codes look like “D69.3”.")
    return spelled


def ancestors(code):
    """``"D69.31"`` → ``["D69.3", "D69"]``: the codes above ``code``, nearest first."""
    category, _, detail = code.partition(".")
    found = [f"{category}.{detail[:length]}" for length in range(len(detail) - 1, 0, -1)]
    return [*found, category] if detail else []
