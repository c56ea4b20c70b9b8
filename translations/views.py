from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import translate_url
from django.utils import translation as i18n

from ivig_site.numbers import whole_number

from .languages import current_language, language_name, source_language, translated_languages
from .models import Translation
from .reading import page_languages


class NotTranslated(Http404):
    """A page asked for in a language it has no reviewed translation in."""


def not_available(request, english_url=None):
    """
    The page in the asked language does not exist: say so in that language and link the English page (404);
    ``english_url`` "" when there is no English page to link either.
    """
    language = current_language()
    return render(
        request,
        "translations/not_available.html",
        {
            "english_url": translate_url(request.path, source_language()) if english_url is None else english_url,
            "language_name": language_name(language),
            "page_languages": page_languages(request.path, available={source_language()}),
        },
        status=404,
    )


class TranslatedPageMixin:
    """
    A reader page of a translatable record that answers in every language: in English the record as it is; in
    another language the record with its published translation laid over it and that translation's stored page
    parts, or a "not available in Spanish" page (:class:`NotTranslated`) when there is none to show.
    """

    translated = True
    translation = None

    def get_queryset(self):
        """The records, each with whether a reviewed translation into each language is published (same query)."""
        content_type = ContentType.objects.get_for_model(self.model)
        published = Translation.objects.published().filter(content_type=content_type, object_id=OuterRef("pk"))
        return (
            super()
            .get_queryset()
            .annotate(
                **{
                    f"readable_in_{code}": Exists(published.filter(language=code))
                    for code, _name in translated_languages()
                }
            )
        )

    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        language = current_language()
        if language == source_language():
            return record
        asked = whole_number(self.request.GET.get("translation", ""), minimum=1)
        if getattr(self, "preview_translation", None) is not None:  # the translation desk's reader view
            self.translation = self.preview_translation
        elif asked and self.request.user.has_perm("translations.view_translation"):  # a staff preview
            self.translation = Translation.objects.in_language(language).of(record).filter(pk=asked).first()
        elif record.is_live and not record.is_working_copy:
            self.translation = Translation.objects.readable().in_language(language).of(record).first()
        if self.translation is None:
            raise NotTranslated
        return self.translation.apply_to(record)

    def parts_record(self):
        """The record whose stored page parts the page shows: the translation's, in another language."""
        return self.translation or self.object

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except NotTranslated:  # the English page is linked when there is one readers can see
            english = self.model.objects.filter(draft_of=None, **{self.slug_field: kwargs.get(self.slug_url_kwarg)})
            found = english.published().exists() if self.slug_url_kwarg in kwargs else False
            return not_available(request, translate_url(request.path, source_language()) if found else "")

    def get_context_data(self, **kwargs):
        available = {source_language()} if self.object.is_live else set()
        if self.translation is not None:
            available.add(self.translation.language)
        elif self.object.is_live and not self.object.is_working_copy:  # the source is live: so are its translations
            languages = translated_languages()
            available |= {code for code, _name in languages if getattr(self.object, f"readable_in_{code}", False)}
        context = {
            "page_languages": page_languages(self.request.path, available=available),
            "translation": self.translation,
        }
        if self.translation is not None:
            context["english_url"] = translate_url(self.request.path, source_language())
        return super().get_context_data(**context, **kwargs)


@login_required
def preview(request, pk):
    """A translation's page as readers will see it once published, for staff who may view translations."""
    if not request.user.has_perm("translations.view_translation"):
        raise PermissionDenied
    translation = get_object_or_404(Translation, pk=pk)
    source = translation.source_record
    with i18n.override(translation.language):
        address = source.get_absolute_url()
    return redirect(f"{address}?translation={translation.pk}")
