from django import template
from django.db.models import Count
from django.urls import reverse

from review.content import reviewed_models
from review.models import QUEUES

register = template.Library()


@register.inclusion_tag("admin/review/_review_queue.html", takes_context=True)
def review_queue(context):
    """
    The admin home's work queue: for each queue, how many records of every reviewed kind wait there,
    with links to the filtered lists. One query per kind the user may see.
    """
    user = context["request"].user
    kinds = [
        model for model in reviewed_models() if user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    ]
    if not kinds:
        return {"queues": []}
    rows = {key: (label, []) for key, label, _, _ in QUEUES}
    for model in kinds:
        counts = model.objects.aggregate(
            **{key: Count("pk", filter=condition(user)) for key, _, condition, _ in QUEUES}
        )
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for key, _, _, query in QUEUES:
            if counts[key]:
                rows[key][1].append((model._meta.verbose_name_plural, counts[key], f"{changelist}?{query}"))
    queues = []
    default = reverse(f"admin:{kinds[0]._meta.app_label}_{kinds[0]._meta.model_name}_changelist")
    for key, _, _, query in QUEUES:
        label, links = rows[key]
        first = links[0][2] if links else f"{default}?{query}"
        queues.append((label, sum(count for _, count, _ in links), first, links))
    return {"queues": queues}
