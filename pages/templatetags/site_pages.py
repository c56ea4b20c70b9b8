from django import template

from pages.models import Page
from translations.languages import current_language
from translations.reading import localize

register = template.Library()


@register.inclusion_tag("includes/_footer_pages.html")
def footer_pages():
    """Links to the published site pages (editorial policy, corrections, disclaimer…), in the editors' order."""
    # In the page's language where translated, else marked as English (the tag's template gets no context of its own).
    return {"pages": localize(Page.objects.published()), "LANGUAGE_CODE": current_language()}
