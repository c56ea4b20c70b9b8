"""
Readable differences between two versions of a reviewed record, for reviewers and for
editors whose save was refused because someone else saved first.

Versions are compared as the plain data of :func:`review.content.snapshot`, part by part in the
order the model declares them: rich text paragraph by paragraph, lists (conditions, citations,
side effects…) item by item, everything else as one line. A changed line that replaces another is shown
once, word by word, so a three-word edit in a long paragraph reads as three words.

What a reader cannot see is no change: line endings (Windows' CRLF or Unix's LF), a trailing newline, and the
letter case of an identifier whose field says it ignores case (a DOI: ``case_insensitive = True``).
"""

import difflib
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ObjectDoesNotExist
from django.utils.text import capfirst, normalize_newlines

from richtext.fields import plain_text

from .content import CHILDREN, FIELD, MANY, parts, snapshot

_BLOCK_END = re.compile(r"</(?:p|h[2-4]|li|blockquote|tr|caption)>|<br\s*/?>", re.IGNORECASE)
_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\b(src|alt)\s*=\s*"([^"]*)"', re.IGNORECASE)
_WORDS = re.compile(r"\S+\s*")
# Below this share of words in common two lines are different paragraphs, not one edited paragraph.
SIMILAR_ENOUGH = 0.4


@dataclass
class Segment:
    change: str  # "added", "removed" or "same"
    text: str


@dataclass
class Line:
    change: str  # "added", "removed", "same", "changed" (word by word in ``segments``) or "gap"
    text: str
    segments: list = field(default_factory=list)


@dataclass
class FieldChange:
    name: str
    label: str
    lines: list = field(default_factory=list)


def _describe_image(match):
    attributes = {name.lower(): value for name, value in _ATTRIBUTE.findall(match.group(0))}
    alt = attributes.get("alt", "").strip()
    return f" [image {attributes.get('src', '')}: {alt or 'no description'}] "


def paragraphs(html):
    """
    The body as a list of plain-text paragraphs, headings and list items; an image counts as a line
    with its address and description, so a new picture or a changed alt text shows in the diff.
    """
    html = _IMAGE.sub(_describe_image, html or "")
    return [text for text in (plain_text(block) for block in _BLOCK_END.split(html)) if text]


def word_diff(old, new):
    """``new`` against ``old`` as :class:`Segment`s of whole words."""
    before, after = _WORDS.findall(old), _WORDS.findall(new)
    segments = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(Segment("same", "".join(after[j1:j2])))
            continue
        if i2 > i1:
            segments.append(Segment("removed", "".join(before[i1:i2])))
        if j2 > j1:
            segments.append(Segment("added", "".join(after[j1:j2])))
    return segments


def _similar(old, new):
    before, after = old.split(), new.split()
    return difflib.SequenceMatcher(a=before, b=after, autojunk=False).ratio() >= SIMILAR_ENOUGH


def same_text(value):
    """``value`` as text with its lines ended one way and no blank edges: equal for text that reads the same."""
    return normalize_newlines(str(value)).strip()


def _as_lines(part, value):
    if isinstance(value, list):
        return [same_text(item) for item in value]
    if part.is_rich_text:
        return paragraphs(value)
    text = same_text(value) if value is not None else ""
    return [text] if text else []


def _unchanged(part, before, after):
    if getattr(part.field, "case_insensitive", False):
        return [line.lower() for line in before] == [line.lower() for line in after]
    return before == after


def _diff_lines(old, new):
    lines = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            lines.extend(Line("same", text) for text in old[i1:i2])
            continue
        removed, added = list(old[i1:i2]), list(new[j1:j2])
        # An edited paragraph is shown once, word by word; what has no counterpart stays a whole line.
        while removed and added and _similar(removed[0], added[0]):
            before, after = removed.pop(0), added.pop(0)
            lines.append(Line("changed", after, word_diff(before, after)))
        lines.extend(Line("removed", text) for text in removed)
        lines.extend(Line("added", text) for text in added)
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
        if isinstance(new.get(name), dict) or isinstance(old.get(name), dict):  # e.g. a translation's texts
            changes += _keyed_changes(name, label, old.get(name) or {}, new.get(name) or {}, context)
            continue
        before, after = _as_lines(part, old.get(name)), _as_lines(part, new.get(name))
        if _unchanged(part, before, after):
            continue
        changes.append(FieldChange(name, label, _with_context(_diff_lines(before, after), context)))
    return changes


def _keyed_changes(name, label, old, new, context):
    """A part holding texts by key (a JSON object), compared key by key: rich text by paragraph, text by line."""
    changes = []
    for key in [*new, *(key for key in old if key not in new)]:
        before, after = (_text_lines(side.get(key)) for side in (old, new))
        if before != after:
            sub_label = f"{label}: {capfirst(str(key).replace('_', ' '))}"
            changes.append(FieldChange(f"{name}.{key}", sub_label, _with_context(_diff_lines(before, after), context)))
    return changes


def _text_lines(value):
    if not value:
        return []
    text = str(value)
    return paragraphs(text) if text.lstrip().startswith("<") else [same_text(line) for line in text.splitlines()]


def side_by_side(old, new, context=2):
    """
    Lines ``old`` and ``new`` as two columns of :class:`Line`: the left without what ``new`` added, the right
    without what ``old`` had, so each column reads as its own version with the differences marked.
    """
    left, right = [], []
    for line in _with_context(_diff_lines(old, new), context):
        if line.change == "changed":
            kept = {"left": {"same", "removed"}, "right": {"same", "added"}}
            for column, side in ((left, "left"), (right, "right")):
                segments = [segment for segment in line.segments if segment.change in kept[side]]
                column.append(Line("changed", "".join(segment.text for segment in segments), segments))
        else:
            if line.change != "added":
                left.append(line)
            if line.change != "removed":
                right.append(line)
    return left, right


def _with_context(lines, context):
    """The changed ``lines`` and ``context`` unchanged lines around each, longer runs of sameness as one gap."""
    keep = {
        index
        for index, line in enumerate(lines)
        if line.change != "same"
        for index in range(index - context, index + context + 1)
    }
    shown = [line if index in keep else None for index, line in enumerate(lines)]
    collapsed = [line for index, line in enumerate(shown) if line or (index and shown[index - 1])]
    return [line or Line("gap", "…") for line in collapsed]


def data_lines(data, path=""):
    """Nested JSON-like ``data`` as ``"path: value"`` lines, e.g. ``"author.name: Jane Doe"``."""
    if isinstance(data, dict):
        return [
            line
            for key, value in data.items()
            if key != "@context"
            for line in data_lines(value, f"{path}.{key}" if path else str(key))
        ]
    if isinstance(data, list | tuple):
        return [line for number, item in enumerate(data, start=1) for line in data_lines(item, f"{path}[{number}]")]
    return [f"{path}: {same_text(data)}"]


def data_change(name, label, old, new, context=1):
    """A :class:`FieldChange` between two pieces of structured data (e.g. JSON-LD), or ``None`` if equal."""
    before, after = data_lines(old or {}), data_lines(new or {})
    if before == after:
        return None
    return FieldChange(name, label, _with_context(_diff_lines(before, after), context))


def lines_change(name, label, old, new, context=1):
    """A :class:`FieldChange` between two lists of text lines (e.g. a page's paragraphs), or ``None`` if equal."""
    if old == new:
        return None
    return FieldChange(name, label, _with_context(_diff_lines(old, new), context))


def version_snapshot(model, version):
    """
    The declared content of ``model`` as django-reversion kept it in ``version``, in the shape of
    :func:`~review.content.snapshot`, so any two versions compare with :func:`content_diff`. Lists of
    child rows come from the other versions saved in the same revision.
    """
    instance = version._object_version.object
    kept = version.field_dict
    values = {}
    siblings = None
    for part in parts(model):
        if part.kind == FIELD:
            values[part.name] = getattr(instance, part.name, None)
        elif part.kind == MANY:
            values[part.name] = list(part.field.related_model._base_manager.filter(pk__in=kept.get(part.name) or []))
        elif part.kind == CHILDREN:
            if siblings is None:
                siblings = list(version.revision.version_set.select_related("content_type"))
            values[part.name] = [_describe(child) for child in _children(part, siblings, instance.pk)]
    return snapshot(instance, values)


def _children(part, siblings, parent_pk):
    model = part.child_model
    found = []
    for sibling in siblings:
        if sibling.content_type.model_class() is not model:
            continue
        child = sibling._object_version.object
        if isinstance(part.field, GenericRelation):
            same_type = getattr(child, part.field.content_type_field_name + "_id") == _content_type_id(part)
            linked = same_type and str(getattr(child, part.field.object_id_field_name)) == str(parent_pk)
        else:
            linked = getattr(child, part.field.field.attname) == parent_pk
        if linked:
            found.append(child)
    return sorted(found, key=lambda child: (getattr(child, "position", 0), child.pk or 0))


def _content_type_id(part):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(part.field.model).pk


def _describe(child):
    try:
        return str(child)
    except ObjectDoesNotExist:  # it pointed at a record deleted since
        return f"{child._meta.verbose_name} (deleted)"
