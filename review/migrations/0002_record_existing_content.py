"""
Bring the content published before the review app existed under it, so that nothing disappears for
readers and nothing unreviewed appears:

- conditions and site pages that were shown (``is_published``) are recorded as published, the rest as drafts;
- contributors, products, side effects and sources, which readers saw without any flag, are recorded as
  published (they were live), each with an event saying so, so that reviewers can find and check them;
- articles' workflow events and fact-checks move to the shared records, and citations point at their
  article through a generic relation.
"""

from django.db import migrations
from django.utils import timezone

NOTE = "Was visible to readers before review covered this kind of content; recorded as published by the upgrade."
FLAGGED = [("articles", "condition"), ("pages", "page")]
ALWAYS_SHOWN = [("articles", "contributor"), ("articles", "product"), ("articles", "sideeffect"), ("references", "source")]


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReviewEvent = apps.get_model("review", "ReviewEvent")
    FactCheck = apps.get_model("review", "FactCheck")
    now = timezone.now()

    def content_type(app_label, model):
        return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]

    for app_label, model_name in FLAGGED + ALWAYS_SHOWN:
        model = apps.get_model(app_label, model_name)
        kind = content_type(app_label, model_name)
        for record in model.objects.all():
            shown = getattr(record, "is_published", True)
            if not shown:
                continue
            record.status = "published"
            record.published_at = getattr(record, "created_at", None) or now
            record.last_updated = timezone.localdate(getattr(record, "modified_at", None) or now)
            record.save()
            ReviewEvent.objects.create(
                content_type=kind, object_id=record.pk, action="upgrade", to_status="published", comment=NOTE
            )

    article_type = content_type("articles", "article")
    for event in apps.get_model("articles", "ArticleEvent").objects.all():
        ReviewEvent.objects.create(
            content_type=article_type,
            object_id=event.article_id,
            actor_id=event.actor_id,
            action=event.action,
            from_status=event.from_status,
            to_status=event.to_status,
            comment=event.comment,
            created_at=event.created_at,
        )
    for check in apps.get_model("articles", "FactCheck").objects.all():
        FactCheck.objects.create(
            content_type=article_type,
            object_id=check.article_id,
            reviewer_id=check.reviewer_id,
            contributor_id=check.contributor_id,
            checked_at=check.checked_at,
            notes=check.notes,
            lock_version=check.lock_version,
            snapshot=check.snapshot,
        )
    apps.get_model("references", "Citation").objects.update(content_type=article_type)
    Citation = apps.get_model("references", "Citation")
    for citation in Citation.objects.all():
        citation.object_id = citation.article_id
        citation.save(update_fields=["object_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("articles", "0005_reviewed_content"),
        ("references", "0004_reviewed_sources"),
        ("pages", "0002_reviewed_pages"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
