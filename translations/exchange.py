"""
Translation files for translators: a record's text as a gettext PO file (through polib), and back.

Each translated part is one entry: ``msgctxt`` names the field, ``msgid`` is the English, ``msgstr`` the
translation (filled in from the current translation, if any). The header names the record and the English
version exported (``X-Source-Record``, ``X-Source-Version``), so an import pins the translation to the English the
translator actually read: if the English has changed since, the translation comes back outdated, never silently
current. Importing writes through :func:`translations.workflow.save_translation`, so it goes through review.
"""

from dataclasses import dataclass, field

import polib
from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext as _

from .languages import is_translation_language
from .models import Translation, translated_parts
from .workflow import save_translation

# Generous for the longest article, small enough that a wrong file is refused before it is read.
MAX_FILE_BYTES = 2 * 1024 * 1024


class TranslationFileError(ValueError):
    """A translation file that cannot be imported, with the reason in words a translator understands."""


@dataclass
class Imported:
    translation: Translation
    filled: list = field(default_factory=list)
    changed_in_english: list = field(default_factory=list)
    ignored: list = field(default_factory=list)


def record_key(record):
    return f"{record._meta.label_lower}:{record.pk}"


def export_po(source, language):
    """``source``'s translated parts as a PO file (text) for translating into ``language``."""
    existing = Translation.objects.of(source).filter(language=language, draft_of=None).first()
    if existing is not None and existing.pending_version is not None:
        existing = existing.pending_version  # the version being worked on
    text = existing.text if existing is not None else {}
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": settings.SITE_NAME,
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Source-Record": record_key(source),
        "X-Source-Version": str(source.content_version),
    }
    po.header = _(
        "%(record)s, for translating into %(language)s. Keep every [cite:…] marker and HTML tag as it is."
    ) % {
        "record": f"{source._meta.verbose_name.capitalize()} “{source}”",
        "language": language,
    }
    for part in translated_parts(type(source)):
        english = getattr(source, part.name) or ""
        if english.strip():
            po.append(
                polib.POEntry(msgctxt=part.name, msgid=english, msgstr=text.get(part.name, ""), comment=str(part.label))
            )
    return str(po)


def import_po(content, by):
    """
    Read a PO file exported by :func:`export_po` and save its filled entries as the translation (through review).
    Returns :class:`Imported`. Raises :class:`TranslationFileError` for a file that is not one.
    """
    if isinstance(content, bytes):
        if len(content) > MAX_FILE_BYTES:
            raise TranslationFileError(_("The file is larger than 2 MB; a translation file is much smaller."))
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError as error:
            raise TranslationFileError(
                _("The file is not UTF-8 text. Save it as UTF-8 and upload it again.")
            ) from error
    if "\x00" in content:
        raise TranslationFileError(_("The file contains a character that cannot be stored (a NUL byte)."))
    try:
        po = polib.pofile(content)
    except (OSError, ValueError) as error:
        raise TranslationFileError(
            _("This is not a PO translation file we can read (%(reason)s).") % {"reason": str(error)[:200]}
        ) from error
    key = po.metadata.get("X-Source-Record", "")
    source = _lookup(key)
    if source is None:
        raise TranslationFileError(
            _("The file does not say which page it translates, or that page no longer exists. Export the file again "
              "from the page's translation.")
        )  # fmt: skip
    language = po.metadata.get("Language", "").strip()
    if not is_translation_language(language):
        raise TranslationFileError(
            _("The file's language is “%(language)s”, which is not one of the site's translation languages.")
            % {"language": language[:20]}
        )
    exported = po.metadata.get("X-Source-Version", "")
    version = int(exported) if exported.isdigit() else source.content_version
    result_parts = {part.name: part for part in translated_parts(type(source))}
    text, filled, changed, ignored = {}, [], [], []
    for entry in po:
        part = result_parts.get(entry.msgctxt or "")
        if part is None or entry.obsolete:
            ignored.append(entry.msgctxt or entry.msgid[:40])
            continue
        if not entry.msgstr.strip() or "fuzzy" in entry.flags:
            continue
        text[part.name] = entry.msgstr
        filled.append(str(part.label))
        if entry.msgid != (getattr(source, part.name) or ""):
            changed.append(str(part.label))
    if changed:  # translated from English that has changed since: it comes back outdated
        version = min(version, max(source.content_version - 1, 0))
    translation = save_translation(source, language, text, by, source_version=min(version, source.content_version))
    return Imported(translation, filled, changed, ignored)


def _lookup(key):
    label, _sep, pk = key.partition(":")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    if not pk.isdigit() or not hasattr(model, "translated_content"):
        return None
    return model.objects.filter(pk=int(pk), draft_of=None).first()
