from django import template
from django.urls import reverse

from articles.models import Article

register = template.Library()


@register.inclusion_tag("admin/articles/_review_queue.html", takes_context=True)
def review_queue(context):
    """The admin home's work queue: what is waiting for whom, with links to the filtered lists."""
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return {"queues": []}
    changelist = reverse("admin:articles_article_changelist")
    articles = Article.objects.all()
    queues = [
        ("Awaiting fact-check", articles.awaiting_fact_check(), "status__exact=in_review"),
        ("Fact-checked, ready to publish", articles.ready_to_publish(), "status__exact=fact_checked"),
        ("Changes requested", articles.changes_requested(), "status__exact=changes_requested"),
        ("Overdue for review", articles.overdue_for_review(), "review=overdue"),
        ("My drafts", articles.drafts_of(user), "mine=drafts"),
    ]
    return {"queues": [(label, queryset.count(), f"{changelist}?{query}") for label, queryset, query in queues]}
