"""
The one rule every write to reviewed content obeys, whatever path it takes (an admin form, a bulk action, an
import, a merge, a restore, a management command, a shell): **content changes only while its record is
editable** (a draft, sent back with changes requested, or unpublished), and a record changes state only through
the workflow. A published record changes through a new version (:func:`review.workflow.version_to_edit`);
a record in review, fact-checked, medically reviewed, scheduled or archived does not change at all.

It is enforced where every path meets, in the models: :meth:`review.models.Reviewed.save` and ``delete`` call
:func:`check_save` and :func:`check_delete`, and signal handlers do the same for each declared list of child rows
(citations, authors, approvals, side-effect links) and many-to-many relation, derived from the models'
``reviewed_content`` declarations. Code that should say something kinder first asks
:func:`review.workflow.version_to_edit`; this is the net under it.

Two kinds of code may write past the rule, each inside its own context: the workflow itself
(:func:`by_workflow`, used only in :mod:`review.workflow`), and :func:`seeding`, for loaders that create content
as a reviewer leaves it (the demo content, test factories). QuerySet ``update()`` and ``bulk_create()`` skip model
code and signals, as they skip validation; the project uses them only for rows that are not reviewed content.
"""

import contextvars
import functools
from contextlib import contextmanager

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed, pre_delete, pre_save
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .content import CHILDREN, FIELD, MANY, parts, reviewed_models
from .models import EDITABLE_STATUSES, Status

_mode = contextvars.ContextVar("review_guard_mode", default=None)

# States whose records may be deleted outside the workflow: nothing a reader sees or a reviewer is checking.
DELETABLE_STATUSES = (*EDITABLE_STATUSES, Status.ARCHIVED)


class WorkflowError(ValidationError):
    """A change that is not allowed now; the message says why, in words an editor understands."""


class NotEditable(WorkflowError):
    """Content of a record that is not editable was about to change outside the workflow."""


@contextmanager
def _writing(mode):
    token = _mode.set(mode)
    try:
        yield
    finally:
        _mode.reset(token)


def by_workflow(function):
    """Decorate a function of :mod:`review.workflow`: inside it, records change state and content as it decides."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with _writing("workflow"):
            return function(*args, **kwargs)

    return wrapper


def seeding():
    """
    Context for loaders that create content in the state a reviewer would leave it (demo content, test
    factories): rows may be inserted in any state. Never for changing what exists.
    """
    return _writing("seeding")


def _exempt():
    return _mode.get() is not None


def _describe(record):
    return f"{record._meta.verbose_name} “{record}”"


def advice(status):
    """What an editor does to change a record that is in ``status``."""
    return {
        Status.PUBLISHED: _("Start a new version of it (“Edit as a new version”); readers keep the published one "
                            "until a reviewer publishes the new one."),
        Status.SCHEDULED: _("Cancel the scheduled publication first, then edit it."),
        Status.IN_REVIEW: _("Withdraw it from review first, or wait for the reviewer."),
        Status.FACT_CHECKED: _("Ask a reviewer to send it back with “Request changes” first."),
        Status.MEDICALLY_REVIEWED: _("Ask a reviewer to send it back with “Request changes” first."),
        Status.ARCHIVED: _("Reopen it as a draft first."),
    }.get(status, "")  # fmt: skip


def refusal(record, status=None):
    """Why ``record`` (in ``status``, its own by default) cannot change now, and what to do instead."""
    status = status or record.status
    return _("%(record)s is %(status)s, so its content cannot change here. %(advice)s") % {
        "record": capfirst(_describe(record)),
        "status": Status(status).label.lower(),
        "advice": advice(status),
    }


def _field_attnames(model):
    return [part.field.attname for part in parts(model) if part.kind == FIELD]


def remember_loaded(record):
    """Note the state and declared content ``record`` holds as the database has it (after a load or a save)."""
    values = record.__dict__
    record._review_loaded = (
        values.get("status"),
        {name: values[name] for name in _field_attnames(type(record)) if name in values},
    )


def _loaded(record):
    loaded = getattr(record, "_review_loaded", None)
    if loaded is None or loaded[0] is None:  # built by hand, or loaded without its state: ask the database
        saved = type(record)._base_manager.filter(pk=record.pk).first()
        if saved is None:
            return None
        loaded = saved._review_loaded
    return loaded


def check_save(record, update_fields=None):
    """Refuse (:class:`NotEditable`) a save of ``record`` that would change reviewed content or state unreviewed."""
    if _exempt():
        return
    if record._state.adding or record.pk is None:
        if record.status not in EDITABLE_STATUSES:
            raise NotEditable(
                _("A new %(thing)s starts as a draft: readers see it only after a reviewer has checked it.")
                % {"thing": record._meta.verbose_name}
            )
        return
    loaded = _loaded(record)
    if loaded is None:
        return
    status, values = loaded
    now = type(record)._base_manager.filter(pk=record.pk).values_list("status", flat=True).first()
    if now is not None and now != status:  # moved on by the workflow since this copy of it was loaded
        raise NotEditable(
            _("%(record)s moved to “%(status)s” since you opened it, so your copy is out of date and was not saved. "
              "Reload it. %(advice)s")
            % {"record": capfirst(_describe(record)), "status": Status(now).label,
               "advice": advice(now) or _("Then you can edit it again.")}
        )  # fmt: skip
    if record.status != status:
        raise NotEditable(
            _("%(record)s is %(status)s; its state changes only through a workflow action.")
            % {"record": capfirst(_describe(record)), "status": Status(status).label.lower()}
        )
    if status in EDITABLE_STATUSES:
        return
    saved = set(update_fields) if update_fields is not None else None
    changed = [
        name
        for name, value in values.items()
        if (saved is None or name in saved or name.removesuffix("_id") in saved) and record.__dict__.get(name) != value
    ]
    if changed:
        raise NotEditable(refusal(record, status))


def check_delete(record):
    if _exempt() or record._state.adding:
        return
    loaded = _loaded(record)
    status = loaded[0] if loaded else record.status
    if status not in DELETABLE_STATUSES:
        raise NotEditable(
            _("%(record)s is %(status)s, so it cannot be deleted. Unpublish or archive it first, through review.")
            % {"record": capfirst(_describe(record)), "status": Status(status).label.lower()}
        )


# --- Child rows and many-to-many relations --------------------------------------------------------------------


def _parent_statuses(parent_model, pks):
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return []
    return list(parent_model._base_manager.filter(pk__in=pks).values_list("pk", "status"))


def _parents_of(child, part, parent_model):
    """The pks of the ``parent_model`` records ``child`` belongs to through ``part``, or none."""
    if isinstance(part.field, GenericRelation):
        from django.contrib.contenttypes.models import ContentType

        type_id = getattr(child, f"{part.field.content_type_field_name}_id", None)
        if type_id != ContentType.objects.get_for_model(parent_model).pk:
            return []
        return [getattr(child, part.field.object_id_field_name)]
    return [getattr(child, part.field.field.attname)]


@functools.cache
def _children_by_model():
    """``{child model: [(parent model, part), ...]}`` from every reviewed model's declaration."""
    found = {}
    for model in reviewed_models():
        for part in parts(model):
            if part.kind == CHILDREN:
                found.setdefault(part.child_model, []).append((model, part))
    return found


def _check_child(child, allowed, before=None):
    for parent_model, part in _children_by_model().get(type(child), []):
        pks = set(_parents_of(child, part, parent_model))
        if before is not None:
            pks |= set(_parents_of(before, part, parent_model))
        for pk, status in _parent_statuses(parent_model, pks):
            if status not in allowed:
                raise NotEditable(refusal(parent_model._base_manager.get(pk=pk), status))


def _child_saved(sender, instance, raw=False, **kwargs):
    if raw or _exempt():
        return
    before = None
    if not instance._state.adding and instance.pk is not None:
        before = sender._base_manager.filter(pk=instance.pk).first()
    _check_child(instance, EDITABLE_STATUSES, before)


def _child_deleted(sender, instance, **kwargs):
    if not _exempt():
        _check_child(instance, DELETABLE_STATUSES)


def _record_deleted(sender, instance, **kwargs):
    check_delete(instance)


def _many_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if _exempt() or action not in {"pre_add", "pre_remove", "pre_clear"}:
        return
    owners = _many_owners().get(sender)
    if owners is None:
        return
    owner_model, part = owners
    if not reverse:
        records = [instance]
    elif pk_set is not None:
        records = list(owner_model._base_manager.filter(pk__in=pk_set))
    else:  # clearing from the other side: every record that links to ``instance``
        records = list(owner_model._base_manager.filter(**{part.name: instance}))
    for record in records:
        status = _loaded(record)[0] if record.pk else record.status
        if status not in EDITABLE_STATUSES:
            raise NotEditable(refusal(record, status))


@functools.cache
def _many_owners():
    return {
        part.field.remote_field.through: (model, part)
        for model in reviewed_models()
        for part in parts(model)
        if part.kind == MANY
    }


def connect():  # pragma: no mutate block (runs at start-up)
    """Watch every declared child model and many-to-many relation (called when the app registry is ready)."""
    for child_model in _children_by_model():
        pre_save.connect(_child_saved, sender=child_model, dispatch_uid=f"review-guard-save-{child_model._meta.label}")
        pre_delete.connect(
            _child_deleted, sender=child_model, dispatch_uid=f"review-guard-delete-{child_model._meta.label}"
        )
    for model in reviewed_models():
        pre_delete.connect(_record_deleted, sender=model, dispatch_uid=f"review-guard-record-{model._meta.label}")
    for through in _many_owners():
        m2m_changed.connect(_many_changed, sender=through, dispatch_uid=f"review-guard-many-{through._meta.label}")
