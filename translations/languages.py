"""The site's languages: English, the source every page is written in, and the languages it is translated into."""

from django.conf import settings
from django.utils.translation import get_language, get_language_info


def source_language():
    return settings.LANGUAGE_CODE


def translated_languages():
    """``[(code, name), ...]`` of the languages pages are translated into."""
    return [(code, name) for code, name in settings.LANGUAGES if code != source_language()]


def language_name(code):
    """The language's name in the language of the page or message (“Spanish”; “español” on a Spanish page)."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def native_name(code):
    """The language's name in itself, as a language switcher shows it (“Español”)."""
    return dict(settings.LANGUAGES).get(code, code)


def current_language():
    """The language of this request's page: the address's prefix (/es/…), else English."""
    language = (get_language() or source_language()).split("-")[0]
    return language if language in dict(settings.LANGUAGES) else source_language()


def is_translation_language(code):
    return code in dict(translated_languages())
