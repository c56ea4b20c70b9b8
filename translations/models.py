"""
Translations: each one a reviewed record of its own, in the same workflow as the record it translates.

A model opts in by declaring the fields a translation carries, beside its ``reviewed_content``::

    class Condition(Reviewed):
        translated_content = ["name", "summary", "overview", "treatment", ...]

A :class:`Translation` holds those fields in one language, pinned to the source's ``content_version`` it was
made from. It is drafted, submitted, fact-checked (by a reviewer who reads its language: see
:meth:`Translation.sign_off_problem`) and published like any reviewed record, and readers see it only while
both it and its source are published. A substantive publication of the source moves the source's
``content_version`` on, which makes every translation of it *outdated* (:meth:`TranslationQuerySet.outdated`):
readers, the API and the Infobutton are told so, and reviewers find it flagged in their queue.
"""

from collections import Counter

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import translation as i18n
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from review.content import FIELD, parts, reviewed_models
from review.models import MedicalReview, Reviewed, ReviewedQuerySet, review_permissions
from richtext.fields import sanitize_html

from .languages import language_name, translated_languages


def is_translatable(model):
    return bool(getattr(model, "translated_content", None))


def translatable_models():
    return [model for model in reviewed_models() if is_translatable(model)]


def translated_parts(model):
    """The :class:`~review.content.Part` of each field ``model`` declares as ``translated_content``."""
    names = set(getattr(model, "translated_content", ()))
    return [part for part in parts(model) if part.kind == FIELD and part.name in names]


class TranslationQuerySet(ReviewedQuerySet):
    def of(self, record):
        """Translations of ``record`` (a published original, or the original a new version revises)."""
        original = record.draft_of if record.is_working_copy else record
        return self.filter(content_type=ContentType.objects.get_for_model(original), object_id=original.pk)

    def of_records(self, model, pks):
        return self.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=pks)

    def in_language(self, language):
        return self.filter(language=language)

    def readable(self):
        """Published translations whose source readers can see too."""
        sources = Q(pk__in=[])
        for model in translatable_models():
            live = model.objects.published().filter(pk=OuterRef("object_id"))
            sources |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=live.values("pk"))
        return self.published().filter(sources)

    def outdated(self):
        """Translations made from an earlier version of their source than the one published now."""
        condition = Q(pk__in=[])
        for model in translatable_models():
            current = model.objects.filter(pk=OuterRef("object_id")).values("content_version")[:1]
            condition |= Q(content_type=ContentType.objects.get_for_model(model)) & Q(
                source_version__lt=Subquery(current)
            )
        return self.filter(condition)


class Translation(Reviewed):
    page_parts = "translations.publishing.translation_parts"
    medical_review = MedicalReview.OPTIONAL
    reviewed_content = ["content_type", "object_id", "language", "source_version", "text"]

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, editable=False, verbose_name=_("kind of record")
    )
    object_id = models.PositiveIntegerField(_("record"), editable=False)
    source = GenericForeignKey("content_type", "object_id")
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=translated_languages(),
        help_text=_("The language this translation is in. Its fact-checker must read it."),
    )
    source_version = models.PositiveIntegerField(
        _("translated from version"),
        default=0,
        editable=False,
        help_text=_("The version of the English record this translation was made from."),
    )
    text = models.JSONField(_("translated text"), default=dict, blank=True, editable=False)

    objects = TranslationQuerySet.as_manager()

    class Meta(Reviewed.Meta):
        ordering = ["content_type", "object_id", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        permissions = review_permissions("translation", "translations")
        constraints = [
            *Reviewed.review_constraints("translation"),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "language"],
                condition=Q(draft_of__isnull=True),
                name="unique_translation_per_language",
                violation_error_message=_("This record already has a translation into that language."),
            ),
        ]

    def __str__(self):
        return f"{self.source_record} ({language_name(self.language)})"

    def get_absolute_url(self):
        if self.draft_of_id or not self.is_live:
            from django.urls import reverse

            return reverse("translations:preview", kwargs={"pk": self.pk})
        return self.url_in(self.language)

    def url_in(self, language):
        with i18n.override(language):
            return self.source_record.get_absolute_url()

    @cached_property
    def source_record(self):
        """The English record translated (its original, never a new version of it)."""
        return self.content_type.get_object_for_this_type(pk=self.object_id)

    @property
    def source_model(self):
        return self.content_type.model_class()

    @property
    def page_language(self):
        return self.language

    @property
    def is_outdated(self):
        return self.source_version < self.source_record.content_version

    def translated_values(self):
        """``{field name: text}`` of the fields this translation fills, in the order the source declares them."""
        declared = translated_parts(self.source_model)
        return {part.name: self.text[part.name] for part in declared if part.name in self.text}

    def apply_to(self, record):
        """Lay this translation's text over ``record`` (its source, in memory); returns ``record``."""
        for name, value in self.translated_values().items():
            setattr(record, name, value)
        record.shown_language = self.language
        record.translation = self
        return record

    def save(self, *args, **kwargs):
        self.text = self.cleaned_text(self.text)
        super().save(*args, **kwargs)

    def cleaned_text(self, text):
        """``text`` with only declared fields, rich text sanitized as the source's own field is."""
        cleaned = {}
        for part in translated_parts(self.source_model):
            value = (text or {}).get(part.name)
            if isinstance(value, str):
                cleaned[part.name] = sanitize_html(value) if part.is_rich_text else value.strip()
        return cleaned

    def content_errors(self):
        errors = {}
        if not self.content_type_id:
            return errors
        if not is_translatable(self.source_model):
            return {"language": _("Pages of this kind are not translated.")}
        for part in translated_parts(self.source_model):
            value = (self.text or {}).get(part.name) or ""
            if "\x00" in value:
                errors["language"] = _("The text contains a character that cannot be stored (a NUL byte). Remove it.")
            limit = getattr(part.field, "max_length", None)
            if limit and len(value) > limit:
                errors["language"] = _("“%(field)s” is %(length)d characters long; at most %(limit)d fit.") % {
                    "field": part.label,
                    "length": len(value),
                    "limit": limit,
                }
        return errors

    def missing_parts(self):
        """The labels of the parts the English page has and this translation does not."""
        source = self.source_record
        return [
            str(part.label)
            for part in translated_parts(type(source))
            if (getattr(source, part.name) or "").strip() and not ((self.text or {}).get(part.name) or "").strip()
        ]

    def lost_citations(self):
        """The labels of the parts whose translation lacks a citation marker ([cite:…]) the English has."""
        from references.markers import MARKER

        source = self.source_record
        lost = []
        for part in translated_parts(type(source)):
            english = Counter(MARKER.findall(getattr(source, part.name) or ""))
            translated = Counter(MARKER.findall((self.text or {}).get(part.name) or ""))
            if english - translated:
                lost.append(str(part.label))
        return lost

    def submit_problem(self):
        missing = self.missing_parts()
        if missing:
            return _(
                "Translate every part the English page has before submitting, so readers never get a page in two "
                "languages. Missing: %(parts)s."
            ) % {"parts": ", ".join(missing)}
        lost = self.lost_citations()
        if lost:
            return _(
                "Keep every citation of the English, exactly as typed (e.g. [cite:perez-2017]), so readers can check "
                "the sources. Missing in: %(parts)s."
            ) % {"parts": ", ".join(lost)}
        return None

    def sign_off_problem(self, contributor):
        if self.language not in (contributor.languages or []):
            return _(
                "This translation is in %(language)s, so a reviewer who reads %(language)s checks it. Your "
                "contributor profile does not list %(language)s among the languages you read."
            ) % {"language": language_name(self.language)}
        return None


def check_source(source):
    """Refuse a record that cannot be translated: not of a translatable kind, or a new version."""
    if not is_translatable(type(source)):
        raise ValidationError(_("Pages of this kind are not translated."))
    if source.is_working_copy:
        raise ValidationError(_("Translate the published record, not its new version."))
