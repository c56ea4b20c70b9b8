"""The site's languages: English, the source every page is written in, and the languages it is translated into."""

from django.conf import settings
from django.utils.translation import get_language, pgettext_lazy


def source_language():
    return settings.LANGUAGE_CODE


def translated_languages():
    """``[(code, name), ...]`` of the languages pages are translated into."""
    return [(code, name) for code, name in settings.LANGUAGES if code != source_language()]


# Language names as a sentence says them, translated in our catalogue (Spanish writes them in lower case).
LANGUAGE_NAMES = {"en": pgettext_lazy("language", "English"), "es": pgettext_lazy("language", "Spanish")}


def language_name(code):
    """The language's name in the language of the page or message: “Spanish”; on a Spanish page “español”."""
    return str(LANGUAGE_NAMES.get(code, code))


def native_name(code):
    """The language's name in itself, as a language switcher shows it (“Español”)."""
    return dict(settings.LANGUAGES).get(code, code)


def current_language():
    """The language of this request's page: the address's prefix (/es/…), else English."""
    language = (get_language() or source_language()).split("-")[0]
    return language if language in dict(settings.LANGUAGES) else source_language()


def is_translation_language(code):
    return code in dict(translated_languages())
