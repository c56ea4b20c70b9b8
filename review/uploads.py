"""
Which uploads each reviewed record shows, read from its ``reviewed_content`` declaration: the image fields, and the
images (and links to uploads) in every rich-text part. Kept in ``richtext`` whenever a record is saved or deleted,
with the time readers may see it, so an upload becomes public when the first record readers can see uses it and
private again when the last one is unpublished, archived or replaced by a version without it.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models
from django.db.models.functions import Mod
from django.db.models.signals import post_delete, post_migrate, post_save

from richtext.models import Upload, UploadUse
from richtext.uploads import upload_name, uploads_in_html
from richtext.visibility import forget_uses, set_uses

from .content import FIELD, parts, reviewed_models
from .models import Status

# Records read per query by record_all_uses().
BATCH_SIZE = 500


def _image_parts(model):
    return [
        part
        for part in parts(model)
        if part.kind == FIELD and (isinstance(part.field, models.FileField) or part.is_rich_text)
    ]


def uploads_shown(record):
    """The storage names of the uploads ``record``'s declared content shows."""
    names = set()
    for part in _image_parts(type(record)):
        value = getattr(record, part.field.attname)
        if isinstance(part.field, models.FileField):
            names.update([str(value)] if value else [])
        else:
            names.update(uploads_in_html(value))
    return names


def chosen_names(addresses):
    """
    ``{address: file name}`` for the addresses (``/media/uploads/…``) of uploads whose uploader's file name is
    known: staff recognize "infusion-pump.jpg", not the random name it is stored under. One query.
    """
    by_name = {upload_name(address): address for address in addresses}
    by_name.pop(None, None)
    uploads = Upload.objects.filter(name__in=by_name).exclude(chosen_name="")
    return {by_name[name]: chosen for name, chosen in uploads.values_list("name", "chosen_name")}


def _live_from(record):
    """When readers may see ``record``: its publication time if it is a published original, else None."""
    if record.status == Status.PUBLISHED and record.draft_of_id is None:
        return record.published_at
    return None


def record_uses(record):
    content_type = ContentType.objects.get_for_model(record)
    set_uses({(content_type.pk, record.pk): (uploads_shown(record), _live_from(record))})


def record_all_uses(models_to_record=None, shard=(0, 1)):
    """
    Record again the uploads every reviewed record shows (drafts included, so staff keep seeing theirs), as
    ``render_published`` does for page parts: after an upgrade or a restore. A few queries per batch of records.
    """
    number, shards = shard
    for model in models_to_record or reviewed_models():
        image_parts = _image_parts(model)
        if not image_parts:
            continue
        content_type = ContentType.objects.get_for_model(model)
        # Uses of records that are gone (deleted behind the ORM's back, or not in a restored database).
        UploadUse.objects.filter(content_type=content_type).exclude(
            object_id__in=model._base_manager.values("pk")
        ).delete()
        records = model._base_manager.only("status", "draft_of", "published_at", *(part.name for part in image_parts))
        records = records.order_by("pk")
        if shards > 1:
            records = records.alias(shard=Mod("pk", shards)).filter(shard=number)
        batch = {}
        for record in records.iterator(chunk_size=BATCH_SIZE):
            batch[(content_type.pk, record.pk)] = (uploads_shown(record), _live_from(record))
            if len(batch) == BATCH_SIZE:
                set_uses(batch)
                batch = {}
        set_uses(batch)


def _saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    # A save of other fields (a reason for review, say) changes neither the images nor who may see them.
    shown = {"status", "published_at", "draft_of", *(part.name for part in _image_parts(sender))}
    if update_fields is None or shown & set(update_fields):
        record_uses(instance)


def _deleted(sender, instance, **kwargs):
    forget_uses(ContentType.objects.get_for_model(instance).pk, [instance.pk])


def _migrated(sender, using="default", **kwargs):
    # An upgrade from before uploads were recorded: the images of published records stay public.
    if UploadUse._meta.db_table in connections[using].introspection.table_names() and not UploadUse.objects.exists():
        record_all_uses()


def connect(app_config):
    post_migrate.connect(_migrated, sender=app_config, dispatch_uid="review-uploads-migrated")
    for model in reviewed_models():
        if _image_parts(model):
            post_save.connect(_saved, sender=model, dispatch_uid=f"review-uploads-save-{model._meta.label_lower}")
            post_delete.connect(_deleted, sender=model, dispatch_uid=f"review-uploads-delete-{model._meta.label_lower}")
