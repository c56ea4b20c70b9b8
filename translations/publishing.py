"""A translation's page parts: its source's, built with the translated text laid over it, in its language."""

from django.utils import translation as i18n

from review.rendering import is_rendered, page_parts, parts_function

from .models import Translation
from .reading import localize_related


@page_parts(lambda: Translation.objects.select_related("content_type"))
def translation_parts(translation):
    model = translation.source_model
    if not is_rendered(model):  # a page of this kind is built on each request (e.g. the site's policy pages)
        return {}
    function = parts_function(model)
    source = function.queryset().get(pk=translation.object_id)
    localize_related(source, translation.language)  # what the page shows of other records, where translated
    translation.apply_to(source)
    with i18n.override(translation.language):
        return function(source)
