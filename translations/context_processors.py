from .reading import page_languages as entries


def page_languages(request):
    """The language switcher's entries for any page; a record's page replaces them with the languages it has."""
    return {"page_languages": entries(request.path)}
