"""
Readable differences between two versions of an article's content, for reviewers and for
editors whose save was refused because someone else saved first.

Versions are compared as the plain data of :func:`articles.workflow.snapshot`: text fields
word-for-word by paragraph, lists (conditions, citations, side effects…) item by item.
"""

import difflib
import re
from dataclasses import dataclass, field

from .richtext import plain_text

LABELS = {
    "title": "Title",
    "dek": "Summary",
    "kind": "Kind",
    "author": "Author",
    "body": "Body text",
    "conditions": "Conditions",
    "products": "Products",
    "side_effects": "Side effects",
    "citations": "Sources",
    "funding_disclosure": "Funding and sponsorship",
    "conflict_of_interest": "Conflicts of interest",
}

_BLOCK_END = re.compile(r"</(?:p|h[2-4]|li|blockquote|tr|caption)>|<br\s*/?>", re.IGNORECASE)


@dataclass
class Line:
    change: str  # "added", "removed" or "same"
    text: str


@dataclass
class FieldChange:
    name: str
    label: str
    lines: list = field(default_factory=list)


def paragraphs(html):
    """The body as a list of plain-text paragraphs, headings and list items."""
    return [text for text in (plain_text(block) for block in _BLOCK_END.split(html or "")) if text]


def _as_lines(name, value):
    if isinstance(value, list):
        return [str(item) for item in value]
    if name == "body":
        return paragraphs(value)
    return [str(value)] if value not in (None, "") else []


def _diff_lines(old, new):
    lines = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            lines.extend(Line("same", text) for text in old[i1:i2])
        else:
            lines.extend(Line("removed", text) for text in old[i1:i2])
            lines.extend(Line("added", text) for text in new[j1:j2])
    return lines


def content_diff(old, new, context=1):
    """
    The fields that differ between snapshots ``old`` and ``new``, each with its changed lines
    and ``context`` unchanged lines around them (long bodies stay short to read).
    """
    changes = []
    for name, label in LABELS.items():
        if name not in old or name not in new:
            continue
        before, after = _as_lines(name, old.get(name)), _as_lines(name, new.get(name))
        if before == after:
            continue
        lines = _diff_lines(before, after)
        keep = {
            index
            for index, line in enumerate(lines)
            if line.change != "same"
            for index in range(index - context, index + context + 1)
        }
        shown = [line if index in keep else None for index, line in enumerate(lines)]
        collapsed = [line for index, line in enumerate(shown) if line or (index and shown[index - 1])]
        changes.append(FieldChange(name, label, [line or Line("gap", "…") for line in collapsed]))
    return changes
