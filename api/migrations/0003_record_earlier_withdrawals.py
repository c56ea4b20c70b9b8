"""
Records readers stopped seeing before withdrawals were kept: partners who sync incrementally still hold them. Each
gets a withdrawal dated at the upgrade, with the reviewer's comment, so every partner's next sync removes it.
"""

from django.db import migrations
from django.urls import reverse
from django.utils import timezone

# app, model, API route, reader route, lookup, name field
SYNDICATED = [
    ("articles", "Condition", "api:condition-detail", "articles:condition_detail", "slug", "name"),
    ("articles", "Article", "api:article-detail", "articles:article_detail", "slug", "title"),
    ("articles", "Product", "api:product-detail", "articles:product_detail", "slug", "brand_name"),
    ("articles", "SideEffect", "api:sideeffect-detail", "articles:side_effect_detail", "slug", "name"),
    ("references", "Source", "api:source-detail", "references:source_detail", "pk", "title"),
    ("articles", "Contributor", "api:contributor-detail", "articles:contributor_detail", "slug", "name"),
]


def record_earlier_withdrawals(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReviewEvent = apps.get_model("review", "ReviewEvent")
    Withdrawal = apps.get_model("api", "Withdrawal")
    now = timezone.now()
    for app_label, model_name, api_route, reader_route, lookup, name_field in SYNDICATED:
        model = apps.get_model(app_label, model_name)
        gone = model.objects.filter(
            status__in=["unpublished", "archived"], draft_of__isnull=True, published_at__lte=now
        ).order_by("pk")
        if not gone.exists():
            continue
        content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model_name.lower())
        withdrawals = []
        for record in gone:
            event = (
                ReviewEvent.objects.filter(
                    content_type=content_type, object_id=record.pk, action__in=["unpublish", "archive"]
                )
                .order_by("-created_at", "-id")
                .first()
            )
            address = {lookup: getattr(record, lookup)}
            withdrawals.append(
                Withdrawal(
                    content_type=content_type,
                    object_id=record.pk,
                    name=getattr(record, name_field)[:300],
                    slug=getattr(record, "slug", ""),
                    api_path=reverse(api_route, kwargs=address),
                    reader_path=reverse(reader_route, kwargs=address),
                    reason=record.status,
                    comment=event.comment if event else "",
                    withdrawn_at=now,
                )
            )
        Withdrawal.objects.bulk_create(withdrawals, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_withdrawals_and_webhooks"),
        ("articles", "0009_article_listing_index"),
        ("references", "0006_medical_review"),
        ("review", "0004_rendered_pages"),
    ]

    operations = [migrations.RunPython(record_earlier_withdrawals, migrations.RunPython.noop)]
