"""Starting and updating translations: the paths that write translated text outside the admin's form."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from review.workflow import record_event, version_to_edit

from .languages import is_translation_language, language_name
from .models import Translation, check_source


@transaction.atomic
def save_translation(source, language, text, by, source_version=None):
    """
    Write ``text`` (``{field: value}``) as ``source``'s translation into ``language`` for ``by``: into a new draft,
    or through :func:`~review.workflow.version_to_edit` into an existing one (a published translation gets a new
    version: readers keep the reviewed one). ``source_version`` is the English version it was made from (the
    current one when None). Returns the record written. Refuses what the admin's form would refuse.
    """
    if not by.has_perm("translations.add_translation") or not by.has_perm("translations.change_translation"):
        raise PermissionDenied(_("You do not have permission to edit translations."))
    if not is_translation_language(language):
        raise ValidationError(_("“%(code)s” is not one of the site's translation languages.") % {"code": language})
    check_source(source)
    source = type(source).objects.get(pk=source.pk)  # its current version, whatever the caller holds
    existing = Translation.objects.of(source).filter(language=language, draft_of=None).first()
    if existing is None:
        record = Translation(source=source, language=language, created_by=by)
        action = "create"
    else:
        record = version_to_edit(existing, by)
        action = "edit"
    record.text = {**(record.text or {}), **text}
    record.source_version = source.content_version if source_version is None else source_version
    record.full_clean(exclude=["content_type", "object_id"], validate_unique=False, validate_constraints=False)
    record.last_edited_by = by
    record.lock_version += 1
    record.save()
    record_event(record, by, action, _("Translation into %(language)s.") % {"language": language_name(language)})
    return record
