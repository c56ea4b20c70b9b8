"""
Readable differences between two versions of a reviewed record, for reviewers and for
editors whose save was refused because someone else saved first.

Versions are compared as the plain data of :func:`review.content.snapshot`, part by part in the
order the model declares them: rich text paragraph by paragraph, lists (conditions, citations,
side effects…) item by item, everything else as one line.
"""

import difflib
import re
from dataclasses import dataclass, field

from richtext.fields import plain_text

from .content import parts

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


def _as_lines(part, value):
    if isinstance(value, list):
        return [str(item) for item in value]
    if part.is_rich_text:
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


def content_diff(model, old, new, context=1):
    """
    The declared parts of ``model`` that differ between snapshots ``old`` and ``new``, each with its
    changed lines and ``context`` unchanged lines around them (long bodies stay short to read). A part
    missing from ``old`` (a first version) shows all of ``new`` as added.
    """
    changes = []
    for part in parts(model):
        name, label = part.name, part.label
        if name not in new:
            continue
        before, after = _as_lines(part, old.get(name)), _as_lines(part, new.get(name))
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
