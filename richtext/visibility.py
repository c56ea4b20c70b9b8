"""
Who may see an upload. Public once a record readers can see uses it; before that, and again after the last such
record is unpublished, only staff who may view a record that uses it, or (an upload nothing uses yet, such as an
image just dropped into the editor) staff who may upload images.

The owner of the records keeps their uses current with :func:`set_uses` (``review.uploads`` does it whenever a
reviewed record is saved, and all at once in ``render_published``).
"""

from django.contrib.contenttypes.models import ContentType

from .models import Upload, UploadUse, may_upload


def _upload_ids(names):
    """``{name: id}`` for ``names``, recording as "found in content" any upload not recorded yet."""
    found = dict(Upload.objects.filter(name__in=names).values_list("name", "id"))
    missing = [name for name in names if name not in found]
    if missing:
        Upload.objects.bulk_create(
            [Upload(name=name, origin=Upload.Origin.FOUND) for name in missing], ignore_conflicts=True
        )
        found.update(Upload.objects.filter(name__in=missing).values_list("name", "id"))
    return found


def set_uses(uses):
    """
    Replace the recorded uses of some records: ``uses`` maps ``(content_type_id, object_id)`` to ``(names,
    live_from)``, the uploads the record shows and when readers may see it (None while it is not published).
    A few queries, however many records.
    """
    if not uses:
        return
    ids = _upload_ids({name for names, _live_from in uses.values() for name in names})
    by_kind = {}
    for content_type, object_id in uses:
        by_kind.setdefault(content_type, []).append(object_id)
    for content_type, object_ids in by_kind.items():
        forget_uses(content_type, object_ids)
    UploadUse.objects.bulk_create(
        UploadUse(upload_id=ids[name], content_type_id=content_type, object_id=object_id, live_from=live_from)
        for (content_type, object_id), (names, live_from) in uses.items()
        for name in names
    )


def forget_uses(content_type_id, object_ids):
    UploadUse.objects.filter(content_type_id=content_type_id, object_id__in=object_ids).delete()


def is_public(name, now=None):
    """Whether readers may see the upload ``name``: a record they can see now uses it."""
    return Upload.objects.public(now).filter(name=name).exists()


def may_preview(user, name):
    """Whether ``user`` may see the upload ``name`` before it is public (staff only)."""
    if not (user.is_active and user.is_staff):
        return False
    kinds = set(UploadUse.objects.filter(upload__name=name).values_list("content_type", flat=True))
    if not kinds:
        return may_upload(user)
    for content_type in map(ContentType.objects.get_for_id, kinds):
        if user.has_perm(f"{content_type.app_label}.view_{content_type.model}"):
            return True
    return False
