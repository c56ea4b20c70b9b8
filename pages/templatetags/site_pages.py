from django import template

from pages.models import Page

register = template.Library()


@register.inclusion_tag("includes/_footer_pages.html")
def footer_pages():
    """Links to the published site pages (editorial policy, corrections, disclaimer…), in the editors' order."""
    return {"pages": Page.objects.published().only("title", "slug", "draft_of")}
