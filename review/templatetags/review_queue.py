from dataclasses import dataclass, field

from django import template
from django.db.models import Count
from django.urls import reverse

from review.content import reviewed_models
from review.models import QUEUES

register = template.Library()


@dataclass
class Kind:
    """The records of one kind in a queue: ``name`` ("articles"), how many, and its list filtered to them."""

    name: str
    count: int
    url: str


@dataclass
class Queue:
    label: str
    kinds: list = field(default_factory=list)

    @property
    def count(self):
        return sum(kind.count for kind in self.kinds)

    @property
    def url(self):
        """Where the queue's name links: the one list that shows every record counted, if there is one."""
        return self.kinds[0].url if len(self.kinds) == 1 else ""


@register.inclusion_tag("admin/review/_review_queue.html", takes_context=True)
def review_queue(context):
    """
    The admin home's work queue: for each queue, how many records of every reviewed kind wait there, each kind
    with a link to its own list filtered to them. No list shows several kinds, so the queue's name is a link only
    while one kind holds all its records. One query per kind the user may see.
    """
    user = context["request"].user
    kinds = [
        model for model in reviewed_models() if user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    ]
    if not kinds:
        return {"queues": []}
    queues = {key: Queue(label) for key, label, _, _ in QUEUES}
    for model in kinds:
        counts = model.objects.aggregate(
            **{key: Count("pk", filter=condition(user, model)) for key, _, condition, _ in QUEUES}
        )
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for key, _, _, query in QUEUES:
            if counts[key]:
                queues[key].kinds.append(Kind(model._meta.verbose_name_plural, counts[key], f"{changelist}?{query}"))
    return {"queues": list(queues.values())}
