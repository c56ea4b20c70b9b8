from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def _default_languages():
    return [settings.LANGUAGE_CODE]


class LanguagesField(models.JSONField):
    """A set of the site's languages, stored as a list of codes and edited as checkboxes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", _default_languages)
        super().__init__(*args, **kwargs)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        known = dict(settings.LANGUAGES)
        if not isinstance(value, list) or any(code not in known for code in value):
            raise ValidationError(_("Choose languages from the list."), code="invalid_language")

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=settings.LANGUAGES,
            widget=forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
        )
