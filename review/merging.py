"""
Two editors, one record: a save based on an older version is merged with what was saved since, part by part.

Each part of the form (a field, a many-to-many relation, an inline list of child rows) has three sides: the
*base* (what the editor's form was opened with), *theirs* (the row now) and *mine* (the submission). The
base travels with the form in its hidden ``edit_version``: the record's edit version and a short digest of
every part as it was, signed so it cannot be forged (:func:`edit_version`, :func:`read_edit_version`). Then
:func:`decide` says, per part:

- only one side changed it: that side's value is saved, so a save never reverts a part its editor did not touch;
- both changed it the same way: nothing to do;
- both changed it differently: a conflict, shown side by side until the editor keeps theirs or keeps mine.

After a refused save the form shows the saved version plus the editor's own changes, and its base becomes the
saved version, so the next save compares with what the editor has now seen.
"""

import copy
import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _

from richtext.fields import sanitize_html

from .content import CHILDREN, _plain, parts
from .diffing import paragraphs, same_text, side_by_side

SALT = "review.edit_version"
# The posted choice for a part both editors changed: ``keep-<name>`` = ``theirs`` or ``mine``.
KEEP_PREFIX = "keep-"
THEIRS, MINE, CONFLICT = "theirs", "mine", "conflict"


# --- Comparing values: the same value, however it reached us (row, form, browser), compares equal ---------------


def comparable(model_field, value):
    """``value`` of ``model_field`` in a plain form that is equal for equal content, from a row or a form."""
    if model_field.many_to_many:
        return sorted(str(getattr(item, "pk", item)) for item in value or [])
    if isinstance(value, models.Model):
        value = value.pk
    if isinstance(model_field, models.FileField):
        if isinstance(value, UploadedFile):  # a file chosen just now: always a change
            return ["new file", value.name, value.size]
        return (value.name if isinstance(value, FieldFile) else value) or ""
    if value is None or value == "":
        return ""
    if getattr(model_field, "is_rich_text", False):
        # The editor tidies the HTML it loads (spacing, entities): what counts is what would be stored.
        return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", sanitize_html(value))).strip()
    if isinstance(value, str):
        # The letter case of an identifier such as a DOI is no change; nor are line endings.
        return same_text(value.lower() if getattr(model_field, "case_insensitive", False) else value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.replace(microsecond=0).isoformat()  # the admin's inputs show whole seconds
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bool | int | float | list | dict):
        return value
    return str(value)


def digest(value):
    return hashlib.blake2b(json.dumps(value, sort_keys=True, default=str).encode(), digest_size=6).hexdigest()


def saved_value(record, model_field):
    """What ``record`` holds for a field of its form, as the form's cleaned data would hold it."""
    if model_field.many_to_many:
        return list(getattr(record, model_field.name).all())
    return getattr(record, model_field.name)


def saved_digest(record, model_field):
    # A foreign key by its id: no query for the related record.
    value = saved_value(record, model_field) if model_field.many_to_many else getattr(record, model_field.attname)
    return digest(comparable(model_field, value))


def row_values(child, part):
    """A child row's content, without its id and its link to the parent: two rows saying the same compare equal."""
    skip = part.parent_links | {child._meta.pk.name}
    return {
        f.attname: comparable(f, getattr(child, f.attname))
        for f in child._meta.concrete_fields
        if f.editable and f.name not in skip
    }


def rows_digest(children, part):
    return digest(sorted(json.dumps(row_values(child, part), sort_keys=True, default=str) for child in children))


def saved_children(parent, part):
    """``parent``'s child rows of ``part`` as the database holds them now (never a prefetched, older list)."""
    if isinstance(part.field, GenericRelation):
        link = {
            part.field.content_type_field_name: ContentType.objects.get_for_model(
                parent, for_concrete_model=part.field.for_concrete_model
            ),
            part.field.object_id_field_name: parent.pk,
        }
    else:
        link = {part.field.field.name: parent.pk}
    return list(part.child_model._default_manager.filter(**link))


def model_field_of(form, name):
    """The model field behind a form field, or None (the edit version itself, or any other extra input)."""
    try:
        model_field = form._meta.model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return model_field if model_field.concrete or model_field.many_to_many else None


# --- The base: signed, so a changed or missing one is refused, never trusted --------------------------------------


def edit_version(record, form):
    """The hidden ``edit_version`` of ``form`` opened on ``record``: its edit version and every part's digest."""
    digests = {}
    for name in form.fields:
        model_field = model_field_of(form, name)
        if model_field is not None:
            digests[name] = saved_digest(record, model_field)
    for part in parts(type(record)):
        if part.kind == CHILDREN:
            digests[part.name] = rows_digest(getattr(record, part.name).all(), part)
    payload = {"record": record._meta.label_lower, "pk": record.pk, "version": record.lock_version, "parts": digests}
    return signing.dumps(payload, salt=SALT, compress=True)


def read_edit_version(value, record):
    """The base a form was opened with (``{"version": …, "parts": {name: digest}}``), or None if it is not ours."""
    try:
        payload = signing.loads(value or "", salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("parts"), dict):
        return None
    if payload.get("record") != record._meta.label_lower or payload.get("pk") != record.pk:
        return None
    return payload


# --- Deciding, part by part ----------------------------------------------------------------------------------


def decide(base, theirs, mine, keep=None):
    """
    Whose version of a part is saved: ``THEIRS``, ``MINE``, None (both the same) or ``CONFLICT``. Arguments are
    digests; ``mine`` is None when the editor's input is not valid (it counts as a change), ``base`` is None when
    the form did not know the part; ``keep`` is the editor's choice after a conflict was shown.
    """
    if keep == THEIRS:
        return None if mine == theirs else THEIRS
    if mine == theirs:
        return None
    if base is not None and theirs == base:
        return MINE
    if base is not None and mine == base:
        return THEIRS
    return CONFLICT


def chosen(data, name):
    value = data.get(KEEP_PREFIX + name)
    return value if value in (THEIRS, MINE) else None


def editor_name(user):
    return (user.get_full_name() or user.get_username()) if user else _("Someone")


@dataclass
class Conflict:
    """A part both editors changed: their saved version and mine side by side, with the choice to make."""

    name: str
    label: str  # for a heading: "Summary"
    named: str  # in a sentence: "summary"
    theirs: list
    mine: list

    @property
    def choice_name(self):
        return KEEP_PREFIX + self.name


@dataclass
class Merge:
    """What a save based on an older version found: who saved since, what was kept from each side, the conflicts."""

    who: str = ""
    when: object = None
    stale: bool = False
    kept_theirs: list = field(default_factory=list)  # labels of parts where the saved change is kept
    kept_mine: list = field(default_factory=list)  # labels of parts where this editor's change is saved
    conflicts: list = field(default_factory=list)
    keeps_saved: bool = False  # for an inline: the saved rows stay, the submitted ones are set aside

    def add(self, other):
        if other is None:
            return self
        self.who, self.when = self.who or other.who, self.when or other.when
        self.stale = self.stale or other.stale
        self.kept_theirs += other.kept_theirs
        self.kept_mine += other.kept_mine
        self.conflicts += other.conflicts
        return self

    def summary(self, saved):
        """
        What was merged, in words: ``["Kept Ana’s change to the summary.", "Saved your change to the title."]``
        after a save (``saved``), or what the form now holds after a refused one.
        """
        said = []
        if self.kept_theirs:
            said.append(_("Kept %(who)s’s change to %(parts)s.") % {"who": self.who, "parts": the(self.kept_theirs)})
        if self.kept_mine:
            done = _("Saved your change to %(parts)s.") if saved else _("Your change to %(parts)s is in the form.")
            said.append(done % {"parts": the(self.kept_mine)})
        return said


def the(labels):
    """``["summary", "citations"]`` as "the summary and the citations"."""
    return get_text_list([_("the %(part)s") % {"part": label} for label in labels], _("and"))


def _lines(model_field, shown):
    if isinstance(shown, list):
        return [str(item) for item in shown]
    if getattr(model_field, "is_rich_text", False):
        return paragraphs(shown)
    return [str(shown)] if shown not in (None, "") else []


def _shown(record, model_field, value):
    if model_field.many_to_many:
        return sorted(str(item) for item in value or [])
    shown = copy.copy(record)
    setattr(shown, model_field.name, value)
    return _plain(shown, model_field)


def merge_form(form, cleaned, current, base):
    """
    Merge ``form``'s fields with ``current`` (the row now, locked) against ``base``: ``cleaned`` gets the saved
    value of every field only someone else changed, and ``form.saved_values`` what the page shows for them.
    Returns a :class:`Merge`.
    """
    merge = Merge(
        who=editor_name(current.last_edited_by),
        when=current.modified_at,
        stale=base.get("version") != current.lock_version,
    )
    form.saved_values = {}
    for name in form.fields:
        model_field = model_field_of(form, name)
        if model_field is None:
            continue
        theirs = saved_digest(current, model_field)
        valid = name in cleaned and name not in form.errors
        mine = digest(comparable(model_field, cleaned[name])) if valid else None
        outcome = decide(base["parts"].get(name), theirs, mine, chosen(form.data, name))
        label = str(model_field.verbose_name)
        if outcome == THEIRS:
            cleaned[name] = form.saved_values[name] = saved_value(current, model_field)
            if theirs != base["parts"].get(name):
                merge.kept_theirs.append(label)
        elif outcome == MINE and merge.stale:
            merge.kept_mine.append(label)
        elif outcome == CONFLICT:
            mine_shown = _shown(current, model_field, cleaned[name]) if valid else form.data.get(form.add_prefix(name))
            theirs_lines = _lines(model_field, _shown(current, model_field, saved_value(current, model_field)))
            left, right = side_by_side(theirs_lines, _lines(model_field, mine_shown))
            merge.conflicts.append(Conflict(name, capfirst(label), label, left, right))
    return merge


def part_of_formset(formset):
    """The declared list of child rows an inline formset edits, or None."""
    for part in parts(type(formset.instance)):
        if part.kind == CHILDREN and part.child_model is formset.model:
            return part
    return None


def submitted_rows(formset):
    """The child rows ``formset`` would leave, as unsaved instances; None if any row's input is not valid."""
    rows = []
    pk_name = formset.model._meta.pk.name
    for index, form in enumerate(formset.forms):
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if index >= formset.initial_form_count() and not form.has_changed():
            continue
        # A row someone else deleted since only fails on its id: its content still says what the editor meant.
        if any(name != pk_name for name in form.errors):
            return None
        rows.append(form.instance)
    return rows


def merge_formset(formset, base):
    """Merge an inline's rows, as one part, with the rows saved now. Returns a :class:`Merge` or None."""
    part = part_of_formset(formset)
    if part is None:
        return None
    parent = formset.instance  # its edit version is the locked row's (see ReviewedAdminForm.clean)
    merge = Merge(
        who=editor_name(parent.last_edited_by),
        when=parent.modified_at,
        stale=base.get("version") != parent.lock_version,
    )
    saved = saved_children(parent, part)
    mine_rows = submitted_rows(formset)
    theirs = rows_digest(saved, part)
    mine = rows_digest(mine_rows, part) if mine_rows is not None else None
    outcome = decide(base["parts"].get(part.name), theirs, mine, chosen(formset.data, part.name))
    label = str(part.child_model._meta.verbose_name_plural)
    # The same rows on both sides: the saved ones stay, so a row someone deleted and added again is no error.
    merge.keeps_saved = outcome == THEIRS or (outcome is None and merge.stale)
    if outcome == THEIRS:
        if theirs != base["parts"].get(part.name):
            merge.kept_theirs.append(label)
    elif outcome == MINE and merge.stale:
        merge.kept_mine.append(label)
    elif outcome == CONFLICT:
        mine_lines = [str(row) for row in mine_rows] if mine_rows is not None else [_("(rows with errors)")]
        left, right = side_by_side([str(child) for child in saved], mine_lines)
        merge.conflicts.append(Conflict(part.name, part.label, label, left, right))
    return merge
