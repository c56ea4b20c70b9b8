"""
When cached reader pages go stale: on every change readers could notice, the content generation is bumped.

Two ways in, so nothing is missed:

- the review workflow sends :data:`review.signals.reader_content_changed` on every transition that changes
  what readers see (publishing, publishing a new version, a scheduled version going live, unpublishing,
  archiving a published record) and after page parts are stored in bulk;
- any row saved or deleted in the apps whose records reader pages show (and any change to their many-to-many
  links), except reviewed records that are not published: editing a draft changes nothing a reader sees.

Each bump happens at once, without a query (so this process never serves a page older than its own change), and
again when the transaction commits, with the next future publication read again from the database (so neither a
page another process built from the old rows in between nor a concurrent bump's view of the schedule survives).
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from review.models import Reviewed, Status
from review.preview import rehearsing
from review.signals import reader_content_changed

from . import generation

# Apps whose rows reader pages show.
CONTENT_APPS = frozenset({"articles", "references", "pages", "review"})
# Rows in those apps that no reader page shows.
IGNORED_MODELS = frozenset({"review.reviewevent", "review.factcheck"})


def invalidate(record=None):
    if rehearsing():  # a live preview: its writes are rolled back, readers' pages stay as they are
        return
    published_at = getattr(record, "published_at", None)
    generation.bump(release=published_at if published_at and published_at > timezone.now() else None)
    connection = transaction.get_connection()
    # Once per transaction is enough, however many rows it saves.
    if not any(entry[1] is generation.refresh for entry in connection.run_on_commit):
        transaction.on_commit(generation.refresh)


def shows_on_reader_pages(model, instance=None):
    opts = model._meta
    if opts.apps is not apps:  # a migration's historical model: the schema may not be today's
        return False
    if opts.app_label not in CONTENT_APPS or opts.label_lower in IGNORED_MODELS:
        return False
    if instance is not None and isinstance(instance, Reviewed):
        return instance.status == Status.PUBLISHED
    return True


def _row_changed(sender, instance, raw=False, **kwargs):
    if not raw and shows_on_reader_pages(sender, instance):
        invalidate(instance)


def _links_changed(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and shows_on_reader_pages(type(instance), instance):
        invalidate()


def _workflow_changed(sender, record=None, **kwargs):
    invalidate(record)


def connect():
    post_save.connect(_row_changed, dispatch_uid="pagecache-save")
    post_delete.connect(_row_changed, dispatch_uid="pagecache-delete")
    m2m_changed.connect(_links_changed, dispatch_uid="pagecache-links")
    reader_content_changed.connect(_workflow_changed, dispatch_uid="pagecache-workflow")
