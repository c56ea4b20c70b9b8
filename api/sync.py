"""
What partners who copy our records must learn when readers' content changes, written as it happens.

- A record partners may hold that readers can no longer see (unpublished, archived, merged into another, deleted)
  leaves a :class:`~api.models.Withdrawal`, so an incremental sync removes it; publishing it again marks the
  withdrawal as over.
- A published record that shows the changed one (an article linking a condition, a product listing a side effect,
  the pages a contributor reviewed) gets a new ``modified``: its link appeared, disappeared or was renamed.
- Partners with webhooks are told (:mod:`api.webhooks`), once the transaction commits.

Everything here listens to signals (the workflow's :data:`~review.signals.reader_content_changed`, sources'
:data:`~review.signals.records_merged` and the deletion of reviewed rows), so ``review`` knows nothing of the API.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Q
from django.db.models.functions import Greatest
from django.db.models.signals import post_delete, pre_delete
from django.utils import timezone

from review.content import live_dependents, reviewed_models
from review.models import ReviewEvent, Status
from review.signals import reader_content_changed, records_merged
from translations.models import Translation

from . import webhooks
from .models import WebhookDelivery, Withdrawal

Event = WebhookDelivery.Event


def resources():
    """``{model: Resource}`` for every kind of record the API serves."""
    from .views import RESOURCES

    return {resource.model: resource for resource in RESOURCES}


def is_syndicated(model):
    return model in resources()


def change_stamp(*models_):
    """
    The time a change to these kinds is dated: the next whole second after now, and after the latest change already
    dated for these kinds (at most :data:`MAX_AHEAD` ahead of the clock). HTTP dates (``Last-Modified``,
    ``If-Modified-Since``) count whole seconds: a partner given a date during this second, even one of these, must
    see a later one after the change, or it would be told "304 Not Modified". Partners lose nothing by it: a sync
    from any earlier moment still finds the change.
    """
    next_second = timezone.now().replace(microsecond=0) + SECOND
    latest = last_change(*models_)
    if latest is None:
        return next_second
    return min(max(next_second, latest.replace(microsecond=0) + SECOND), next_second + MAX_AHEAD)


SECOND = datetime.timedelta(seconds=1)
# Many changes in one second (a bulk action) are dated one second apart, but never further than this ahead.
MAX_AHEAD = datetime.timedelta(seconds=5)


def last_change(*models_):
    """
    When what partners may see of these kinds last changed: a published record saved or gone live, or a record
    withdrawn or back. A list's ``Last-Modified`` includes it, so it moves when a record leaves the list too.
    """
    moments = [Withdrawal.objects.of(*models_).last_change()]
    for model in models_:
        published = model.objects.published()
        moments.append(published.aggregate(last=Max(Greatest("modified_at", "published_at")))["last"])
    return max((moment for moment in moments if moment is not None), default=None)


def was_live(record):
    """Whether readers (and so partners) could have seen ``record``: an original whose publication time came."""
    return not record.is_working_copy and record.published_at is not None and record.published_at <= timezone.now()


# --- Who shows a record ----------------------------------------------------------------------------------------


def shown_by(record):
    """
    ``{model: {pk, ...}}``: the published records whose API representation shows ``record``: those whose declared
    content links it (:func:`review.content.live_dependents`), for a contributor the records it reviewed, and for a
    translation the record it translates (its representation in that language).
    """
    found = {}
    for model, records in live_dependents(record):
        found.setdefault(model, set()).update(page.pk for page in records)
    if type(record) is apps.get_model(settings.REVIEW_CONTRIBUTOR_MODEL):
        for model in reviewed_models():
            reviewed = model.objects.published().filter(Q(fact_checker=record) | Q(medical_reviewer=record))
            pks = set(reviewed.values_list("pk", flat=True))
            if pks:
                found.setdefault(model, set()).update(pks)
    if isinstance(record, Translation):  # the record in its language: a partner asking for it must fetch it again
        source = record.source_record
        if is_syndicated(type(source)) and source.is_live:
            found.setdefault(type(source), set()).add(source.pk)
    found.get(type(record), set()).discard(record.pk)
    return {model: pks for model, pks in found.items() if pks}


def touch(shown):
    """
    Give the records in ``shown`` (see :func:`shown_by`) a new ``modified``, without sending any signal, and tell
    webhook subscribers they were updated.
    """
    for model, pks in shown.items():
        model.objects.filter(pk__in=pks).update(modified_at=change_stamp(model))
    webhooks.announce_records(Event.UPDATED, shown)


def _merged(*found):
    merged = {}
    for shown in found:
        for model, pks in shown.items():
            merged.setdefault(model, set()).update(pks)
    return merged


# --- Withdrawals -----------------------------------------------------------------------------------------------


def withdraw(record, reason, comment="", replaced_by=None):
    """Record that partners must remove ``record`` (one withdrawal per record, replaced if there was one)."""
    resource = resources().get(type(record))
    if resource is None:
        return None
    from .serializers import api_url

    withdrawal, _created = Withdrawal.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        defaults={
            "name": str(record)[:300],
            "slug": getattr(record, "slug", "") or "",
            "api_path": api_url(record, None) or "",
            "reader_path": record.get_absolute_url(),
            "reason": reason,
            "comment": comment,
            "replaced_by_id": replaced_by.pk if replaced_by is not None else None,
            "withdrawn_at": change_stamp(type(record)),
            "republished_at": None,
        },
    )
    webhooks.announce_withdrawal(withdrawal)
    return withdrawal


def _workflow_comment(record):
    """What the reviewer wrote when they unpublished or archived ``record`` (the event just recorded)."""
    event = ReviewEvent.objects.for_object(record).first()
    return event.comment if event else ""


def _on_workflow(sender, record=None, **kwargs):
    """A record went live, got a new version, or stopped being live (see ``review.workflow``)."""
    if record is None or record.is_working_copy:
        return
    if record.status == Status.PUBLISHED:
        ours = Withdrawal.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk, republished_at__isnull=True
        )
        if record.is_live and ours.exists():
            ours.update(republished_at=change_stamp(type(record)))
        if is_syndicated(type(record)):
            last = ReviewEvent.objects.for_object(record).first()
            event = Event.UPDATED if last is not None and last.action == "publish_new_version" else Event.PUBLISHED
            due = None if record.is_live else record.published_at  # told when readers see it
            webhooks.announce_records(event, {type(record): {record.pk}}, due=due)
    elif record.status in (Status.UNPUBLISHED, Status.ARCHIVED) and was_live(record):
        reason = Withdrawal.Reason.ARCHIVED if record.status == Status.ARCHIVED else Withdrawal.Reason.UNPUBLISHED
        withdraw(record, reason, _workflow_comment(record))
    touch(shown_by(record))


def _on_merge(sender, record, into, **kwargs):
    """A duplicate (``record``) is folded into ``into`` and is about to be deleted."""
    if was_live(record) and record.status in (Status.PUBLISHED, Status.UNPUBLISHED, Status.ARCHIVED):
        withdraw(record, Withdrawal.Reason.MERGED, f"Merged into “{into}”.", replaced_by=into)
    shown = _merged(shown_by(record), shown_by(into))
    if into.is_live:
        shown.setdefault(type(into), set()).add(into.pk)
    touch(shown)


def _before_delete(sender, instance, **kwargs):
    if was_live(instance):
        instance._api_shown_by = shown_by(instance)


def _after_delete(sender, instance, **kwargs):
    """A record partners could have copied is deleted: a withdrawal, unless one says so already (e.g. a merge)."""
    if not hasattr(instance, "_api_shown_by"):
        return
    told = Withdrawal.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk, republished_at__isnull=True
    )
    if not told.exists():
        withdraw(instance, Withdrawal.Reason.DELETED, "Deleted.")
    touch(instance._api_shown_by)


def connect():
    reader_content_changed.connect(_on_workflow, dispatch_uid="api-workflow")
    records_merged.connect(_on_merge, dispatch_uid="api-merge")
    for model in reviewed_models():
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"api-before-delete-{model._meta.label}")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"api-after-delete-{model._meta.label}")
