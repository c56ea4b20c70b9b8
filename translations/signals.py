"""
What a change to an English record does to its translations: their stored pages follow it (the sources, codes and
links they share), and a substantive new version flags each published translation for review as outdated.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from review.guard import by_workflow
from review.rendering import render
from review.signals import reader_content_changed
from review.workflow import flag_for_review

from .languages import language_name
from .models import Translation, is_translatable, translatable_models


@receiver(reader_content_changed, dispatch_uid="translations-follow-source")
def follow_source(sender, record=None, **kwargs):
    if record is None or not is_translatable(type(record)) or record.is_working_copy:
        return
    for translation in Translation.objects.of(record).published():
        render(translation)
        if translation.source_version < record.content_version and record.status == record.Status.PUBLISHED:
            flag_for_review(translation, outdated_reason(record, translation))


def outdated_reason(source, translation):
    return _("The English version changed on %(date)s: bring the %(language)s translation up to date.") % {
        "date": dateformat.format(timezone.localdate(), "j F Y"),
        "language": language_name(translation.language),
    }


@by_workflow
def forget_translations(sender, instance, **kwargs):
    """A record deleted (a draft, or archived: no reader sees it) takes its translations with it."""
    if instance.draft_of_id is None:  # a discarded new version leaves the original's translations alone
        content_type = ContentType.objects.get_for_model(sender)
        Translation.objects.filter(content_type=content_type, object_id=instance.pk).delete()


def connect():
    for model in translatable_models():
        post_delete.connect(forget_translations, sender=model, dispatch_uid=f"translations-forget-{model.__name__}")
