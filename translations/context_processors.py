from django.utils.functional import SimpleLazyObject

from .reading import page_languages as entries


def page_languages(request):
    """
    The language switcher's entries for any page, worked out only if a template reads them: a record's page
    gives its own (the languages it has).
    """
    return {"page_languages": SimpleLazyObject(lambda: entries(request.path))}
