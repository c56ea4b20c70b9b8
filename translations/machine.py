"""
An optional first draft by machine translation, from a LibreTranslate-compatible server the site runs or trusts
(``MACHINE_TRANSLATION_URL``). It only ever makes a draft, and only for a page that has no translation into that
language yet, so it never overwrites a translator's words; the draft then goes through review like any other
(its reviewer reads the language), and submitting it checks that every citation survived.
"""

import json
from urllib.error import URLError
from urllib.request import Request, urlopen

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from review.guard import WorkflowError
from review.workflow import record_event

from .languages import language_name, source_language
from .models import Translation, check_source, translated_parts
from .workflow import save_translation


def is_available():
    return bool(settings.MACHINE_TRANSLATION_URL)


class ServiceError(WorkflowError):
    """The machine translation service did not give a translation."""


@transaction.atomic
def machine_draft(source, language, by):
    """A draft translation of ``source`` into ``language`` made by the service; returns it. Nothing is published."""
    if not is_available():
        raise WorkflowError(_("No machine translation service is set up for this site (MACHINE_TRANSLATION_URL)."))
    check_source(source)
    if Translation.objects.of(source).filter(language=language).exists():
        raise WorkflowError(
            _("This page already has a translation into %(language)s: a machine draft would overwrite a "
              "translator's words. Edit that translation instead.") % {"language": language_name(language)}
        )  # fmt: skip
    text = {}
    for part in translated_parts(type(source)):
        english = getattr(source, part.name) or ""
        if english.strip():
            text[part.name] = translate(english, language, html=part.is_rich_text)
    draft = save_translation(source, language, text, by)
    record_event(
        draft,
        by,
        "machine_draft",
        _("Drafted by machine translation. Check every sentence against the English before submitting it."),
    )
    return draft


def translate(text, language, html=False):
    """``text`` in ``language``, as the service gives it; raises :class:`ServiceError` saying what went wrong."""
    payload = {"q": text, "source": source_language(), "target": language, "format": "html" if html else "text"}
    if settings.MACHINE_TRANSLATION_API_KEY:
        payload["api_key"] = settings.MACHINE_TRANSLATION_API_KEY
    request = Request(
        settings.MACHINE_TRANSLATION_URL,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urlopen(request, timeout=settings.MACHINE_TRANSLATION_TIMEOUT) as response:
            answer = json.loads(response.read().decode("utf-8"))
    except (URLError, TimeoutError, OSError) as error:
        raise ServiceError(
            _("The machine translation service did not answer (%(reason)s). Nothing was saved: try again later, or "
              "translate the page by hand.") % {"reason": str(getattr(error, "reason", error))[:100]}
        ) from error  # fmt: skip
    except (ValueError, UnicodeDecodeError) as error:
        unreadable = _("The machine translation service sent an answer we cannot read. Nothing was saved.")
        raise ServiceError(unreadable) from error
    translated = answer.get("translatedText") if isinstance(answer, dict) else None
    if not isinstance(translated, str) or not translated.strip():
        raise ServiceError(_("The machine translation service sent no translation. Nothing was saved."))
    return translated
