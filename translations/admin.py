"""
The translation desk: a translation is edited field by field beside the English text it translates, and goes
through review like any reviewed record (the review bar, the diff, the reader frame in its language).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation as i18n
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ivig_site.numbers import whole_number
from review.admin import ReviewedAdmin, ReviewedAdminForm
from review.guard import NotEditable, WorkflowError
from richtext.fields import RichTextUploadingFormField

from . import machine
from .exchange import MAX_FILE_BYTES, TranslationFileError, export_po, import_po
from .languages import language_name, translated_languages
from .models import Translation, is_translatable, translatable_models, translated_parts

FIELD_PREFIX = "text_"


def english_text(source, part):
    """The English of ``part`` as the translator reads it beside the box (rich text as it is shown, sanitized)."""
    value = getattr(source, part.name) or ""
    html = mark_safe(value) if part.is_rich_text else mark_safe(linebreaks(value, autoescape=True))
    return format_html(
        '<div class="translation-source"><strong>{}</strong><div lang="en">{}</div></div>',
        _("The English:"),
        html or _("(empty in English)"),
    )


def translation_form(source):
    """The form class for translating ``source``: one field per part its model declares as translated."""
    declared = {}
    for part in translated_parts(type(source)):
        # Not required: a translator saves as they go; submitting checks that every part is translated.
        options = {"label": part.label, "required": False, "help_text": english_text(source, part)}
        if part.is_rich_text:
            field = RichTextUploadingFormField(config_name="default", **options)
        else:
            limit = getattr(part.field, "max_length", None)
            widget = forms.Textarea(attrs={"rows": 3}) if limit is None or limit > 250 else forms.TextInput
            field = forms.CharField(max_length=limit, widget=widget, strip=True, **options)
        declared[FIELD_PREFIX + part.name] = field
    return type("TranslationForm", (TranslationFormBase,), declared)


class TranslationFormBase(ReviewedAdminForm):
    class Meta:
        model = Translation
        fields = ["language"]

    source = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            if name.startswith(FIELD_PREFIX):
                self.fields[name].initial = (self.instance.text or {}).get(name.removeprefix(FIELD_PREFIX), "")
        if "language" in self.fields:
            self.fields["language"].choices = translated_languages()
            self.fields["language"].disabled = self.instance.pk is not None

    def clean(self):
        cleaned = super().clean()
        if self.edit_merge is not None and self.edit_merge.stale and not self.edit_merge.conflicts:
            raise forms.ValidationError(
                _("%(who)s saved this translation after you opened it, so your changes have NOT been saved. Your "
                  "text is still in the form below: copy what you changed, reload the page and make your changes "
                  "again.") % {"who": self.edit_merge.who},
                code="stale",
            )  # fmt: skip
        return cleaned

    def save(self, commit=True):
        translation = super().save(commit=False)
        if translation.pk is None:
            translation.content_type = ContentType.objects.get_for_model(self.source)
            translation.object_id = self.source.pk
        translation.text = {
            name.removeprefix(FIELD_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(FIELD_PREFIX)
        }
        translation.source_version = self.source.content_version  # translated from the English the form showed
        if commit:
            translation.save()
        return translation


@admin.register(Translation)
class TranslationAdmin(ReviewedAdmin):
    list_display = ["__str__", "language", "up_to_date", "modified_at"]
    list_filter = ["language", "content_type"]
    list_select_related = ["content_type"]
    search_fields = ["text"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), OutdatedFilter]

    def get_search_results(self, request, queryset, search_term):
        """Translations holding the words, or translating a record whose English name or title holds them."""
        if not search_term:
            return queryset, False
        found = Q(text__icontains=search_term)
        for model in translatable_models():
            names = [part.name for part in translated_parts(model) if isinstance(part.field, models.CharField)][:2]
            if names:
                matching = model.objects.filter(Q.create([(f"{name}__icontains", search_term) for name in names], "OR"))
                content_type = ContentType.objects.get_for_model(model)
                found |= Q(content_type=content_type, object_id__in=matching.values("pk"))
        return queryset.filter(found), False

    def source_for(self, request, obj=None):
        """The English record being translated: the translation's, or the one the add link names."""
        if obj is not None:
            return obj.source_record
        type_id, _sep, pk = request.GET.get("source", "").partition("-")
        content_type = ContentType.objects.filter(pk=whole_number(type_id, minimum=1) or 0).first()
        model = content_type.model_class() if content_type else None
        if model is None or not is_translatable(model):
            return None
        return model.objects.filter(pk=whole_number(pk, minimum=1) or 0, draft_of=None).first()

    def get_form(self, request, obj=None, change=False, **kwargs):
        source = self.source_for(request, obj)
        kwargs["form"] = translation_form(source) if source is not None else TranslationFormBase
        form = super().get_form(request, obj, change=change, **kwargs)
        form.source = source
        return form

    def get_fieldsets(self, request, obj=None):
        source = self.source_for(request, obj)
        parts = translated_parts(type(source)) if source is not None else []
        fieldsets = [
            (None, {"fields": ["language", "translating", "up_to_date"]}),
            (_("Translated text"), {"fields": [FIELD_PREFIX + part.name for part in parts]}),
        ]
        return self.with_review_fieldsets(request, obj, fieldsets)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "translating", "up_to_date"]

    def get_changeform_initial_data(self, request):
        language = request.GET.get("language", "")
        return {"language": language} if language in dict(translated_languages()) else {}

    def add_view(self, request, form_url="", extra_context=None):
        source = self.source_for(request)
        if source is None:
            messages.info(
                request,
                _("Open the page to translate (an article or a condition) and choose “Translate into …” there."),
            )
            return redirect("admin:translations_translation_changelist")
        existing = Translation.objects.of(source).filter(language=request.GET.get("language", "")).first()
        if existing is not None:
            messages.info(request, _("This page already has a translation into that language: here it is."))
            return redirect("admin:translations_translation_change", quote(existing.pk))
        return super().add_view(request, form_url, extra_context)

    @admin.display(description=gettext_lazy("translation of"))
    def translating(self, obj):
        source = obj.source_record if obj is not None else None
        if source is None:
            return "—"
        opts = source._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(source.pk)])
        return format_html('{} <a href="{}">{}</a>', opts.verbose_name.capitalize(), url, source)

    @admin.display(description=gettext_lazy("up to date with the English"))
    def up_to_date(self, obj):
        if obj is None or not obj.content_type_id:
            return "—"
        if obj.is_outdated:
            return _("No: the English page has changed since this translation was made. Compare them and update it.")
        return _("Yes")

    # --- Files for translators ----------------------------------------------------------------------------------

    def get_urls(self):
        own = [
            path(
                "file/",
                self.admin_site.admin_view(self.translation_file_view),
                name="translations_translation_translation_file",
            ),
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_translation_view),
                name="translations_translation_upload_translation",
            ),
            path(
                "machine-draft/",
                self.admin_site.admin_view(self.machine_draft_view),
                name="translations_translation_machine_draft",
            ),
        ]
        return own + super().get_urls()

    def translation_file_view(self, request):
        """The PO file of ``?source=<type>-<id>&language=es`` for a translator (the current translation filled in)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        source = self.source_for(request)
        language = request.GET.get("language", "")
        if source is None or language not in dict(translated_languages()):
            messages.error(request, _("Choose the page and the language to export from the page's Translations."))
            return redirect("admin:translations_translation_changelist")
        response = HttpResponse(export_po(source, language), content_type="text/x-gettext-translation; charset=utf-8")
        name = f"{source._meta.model_name}-{getattr(source, 'slug', source.pk)}.{language}.po"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def upload_translation_view(self, request):
        """A translator's PO file, saved as the translation's draft or new version (never past review)."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = import_po(form.cleaned_data["file"].read(), request.user)
            except TranslationFileError as error:
                form.add_error("file", str(error))
            except (NotEditable, WorkflowError, ValidationError) as error:
                form.add_error("file", " ".join(getattr(error, "messages", [str(error)])))
            else:
                note = _("Saved the translation from the file: %(parts)s.") % {"parts": ", ".join(result.filled) or "—"}
                messages.success(request, note)
                if result.changed_in_english:
                    messages.warning(
                        request,
                        _("The English of %(parts)s has changed since the file was exported, so the translation is "
                          "marked outdated: compare and update it.") % {"parts": ", ".join(result.changed_in_english)},
                    )  # fmt: skip
                return redirect("admin:translations_translation_change", quote(result.translation.pk))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Upload a translation file"),
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/translations/upload.html", context)

    def machine_draft_view(self, request):
        """Ask, then make a draft translation by machine of ``?source=…&language=…`` (POST): for review, never live."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        source = self.source_for(request)
        language = request.GET.get("language", "")
        if source is None or language not in dict(translated_languages()):
            messages.error(request, _("Choose the page and the language from the page's Translations."))
            return redirect("admin:translations_translation_changelist")
        if request.method == "POST":
            try:
                draft = machine.machine_draft(source, language, request.user)
            except (WorkflowError, NotEditable, ValidationError, PermissionDenied) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            else:
                messages.warning(
                    request,
                    _("This draft was made by machine translation. Check every sentence against the English, then "
                      "submit it: a reviewer who reads %(language)s checks it before anyone sees it.")
                    % {"language": language_name(language)},
                )  # fmt: skip
                return redirect("admin:translations_translation_change", quote(draft.pk))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Draft a translation by machine"),
            "opts": self.opts,
            "source": source,
            "language_name": language_name(language),
            "available": machine.is_available(),
        }
        return TemplateResponse(request, "admin/translations/machine_draft.html", context)

    # --- The desk's reader view: the source's page, in the translation's language ---------------------------

    def reader_page(self, request, obj):
        """The page of the record it translates, built by that record's reader view, in the translation's language."""
        source = obj.source_record
        view_class = getattr(self.admin_site._registry.get(type(source)), "reader_page_view", None)
        if view_class is None:
            return None
        with i18n.override(obj.language):
            return self.build_reader_page(request, view_class, source.pk, preview_translation=obj)

    def reader_view(self, request, obj, page=None):
        with i18n.override(obj.language):
            return super().reader_view(request, obj, page)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Translation file (.po)"),
        help_text=gettext_lazy(
            "A PO file exported from a page's Translations and filled in by the translator. It is saved as a draft "
            "(or a new version of a published translation) for review; nothing is published."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB; a translation file is much smaller."))
        return upload


class OutdatedFilter(admin.SimpleListFilter):
    title = gettext_lazy("up to date")
    parameter_name = "outdated"

    def lookups(self, request, model_admin):
        return [("yes", _("Outdated: the English page changed since"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.outdated()
        return queryset


class TranslationsPanelMixin:
    """For the admin of a translatable model: the record's translations and a link to translate it, on its form."""

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "translations"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.is_working_copy:
            return fieldsets
        return [*fieldsets, (_("Translations"), {"fields": ["translations"]})]

    @admin.display(description=gettext_lazy("translations"))
    def translations(self, obj):
        existing = {translation.language: translation for translation in Translation.objects.of(obj)}
        items = []
        for code, name in translated_languages():
            translation = existing.get(code)
            if translation is not None:
                url = reverse("admin:translations_translation_change", args=[quote(translation.pk)])
                state = translation.get_status_display()
                if translation.is_outdated:
                    state = _("%(state)s, outdated") % {"state": state}
                items.append(format_html('<a href="{}">{}</a> ({})', url, name, state))
            else:
                content_type = ContentType.objects.get_for_model(obj)
                query = f"?source={content_type.pk}-{obj.pk}&language={code}"
                url = reverse("admin:translations_translation_add") + query
                label = _("Translate into %(language)s") % {"language": language_name(code)}
                items.append(format_html('<a href="{}">{}</a>', url, label))
                if machine.is_available():
                    draft_url = reverse("admin:translations_translation_machine_draft") + query
                    items[-1] = format_html(
                        '{} · <a href="{}">{}</a>', items[-1], draft_url, _("draft it by machine translation")
                    )
            file_url = reverse("admin:translations_translation_translation_file")
            content_type = ContentType.objects.get_for_model(obj)
            items[-1] = format_html(
                '{} · <a href="{}?source={}-{}&amp;language={}">{}</a>',
                items[-1], file_url, content_type.pk, obj.pk, code, _("file for translators (.po)"),
            )  # fmt: skip
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((item,) for item in items)))
