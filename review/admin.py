"""
The admin side of review, shared by every reviewed model: :class:`ReviewedAdmin` gives a model's
admin the optimistic lock, read-only published records, working copies, the workflow panel with the
reviewer's diff and the pages a change reaches, bulk actions from the transition table, and version
history that restores content without touching workflow state. Models' own admins only say which
fields to show.
"""

import datetime
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import options as admin_options
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.context import make_context
from django.template.loader import select_template
from django.template.loader_tags import BlockNode
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst, normalize_newlines
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import merging, preview, reach, workflow
from .content import FIELD, fetch_content, parts, snapshot
from .diffing import content_diff, data_change, version_snapshot
from .models import (
    FactCheck,
    ReviewEvent,
    Status,
    awaits_medical_review,
    is_awaiting_medical_review,
    is_ready_to_publish,
)
from .rendering import is_rendered, parts_function
from .templatetags.staff_time import staff_time
from .widgets import NamedAutocompleteSelect, named


class ZonedSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs with the site's time zone next to them, which is how they are read."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '{}<p class="help time-zone">{}</p>',
            super().render(name, value, attrs, renderer),
            _("Time zone: %(zone)s") % {"zone": timezone.get_current_timezone_name()},
        )


# Every date-time input of every model's admin (ours, auth's, third parties'): each ModelAdmin copies these
# defaults when it is registered, and review comes first in INSTALLED_APPS, so its admin loads before the others.
admin_options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateTimeField] = {
    **admin_options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateTimeField],
    "widget": ZonedSplitDateTime,
}


class SavedValueBoundField(forms.BoundField):
    """A field of a refused form that shows the saved value when the merge kept it (see :mod:`review.merging`)."""

    def value(self):
        saved = getattr(self.form, "saved_values", {})
        if self.name in saved:
            return self.field.prepare_value(saved[self.name])
        return super().value()


class ReviewedAdminForm(forms.ModelForm):
    """
    Merges a save based on an older version with what was saved since (:mod:`review.merging`): what only one
    editor changed is kept, what both changed differently is refused and shown side by side, and the editor's
    input stays in the form.
    """

    edit_version = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    bound_field_class = SavedValueBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # Read when the page is drawn, so it describes the record as the page shows it.
            self.fields["edit_version"].initial = lambda: merging.edit_version(self.instance, self)
        self.fields["edit_version"].required = self.instance.pk is not None
        self.fields["edit_version"].error_messages["required"] = _(
            "This form is missing its edit version, so we cannot tell whether someone saved since you opened it. "
            "Your text is still below: copy it, reload the page and save again."
        )
        self.edit_merge = None
        self.saved_values = {}

    def clean(self):
        cleaned = super().clean()
        # Browsers send a text box's lines ending in CRLF; stored text ends them in LF, as every other path does.
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = normalize_newlines(value)
        self._check_described_images(cleaned)
        if self.instance.pk is None or "edit_version" not in cleaned:
            return cleaned
        base = merging.read_edit_version(cleaned["edit_version"], self.instance)
        if base is None:
            self.add_error(
                "edit_version",
                forms.ValidationError(
                    _("This form’s edit version has been changed or damaged, so we cannot tell what you changed "
                      "since you opened it, and nothing was saved. Your text is still below: copy it, reload the "
                      "page and save again."),
                    code="damaged",
                ),
            )  # fmt: skip
            return cleaned
        model = type(self.instance)
        # Locked until the request's transaction ends, so two saves cannot both pass this check.
        current = fetch_content(model.objects.select_for_update().get(pk=self.instance.pk))
        self.edit_merge = merging.merge_form(self, cleaned, current, base)
        self.instance.lock_version = current.lock_version  # the inlines and save_model go on from the locked row
        # Shown again, the form holds the saved version plus this editor's changes: the next save compares with that.
        self.data = self.data.copy()
        self.data[self.add_prefix("edit_version")] = merging.edit_version(current, self)
        if self.edit_merge.conflicts:
            raise forms.ValidationError(
                _(
                    "%(who)s saved this %(thing)s on %(when)s, after you opened it, and you both changed %(parts)s. "
                    "Your changes have NOT been saved and are still in the form below. Compare both versions (under "
                    "“Saved version vs. your form”), choose “Keep theirs” or “Keep mine” for each, and save again."
                )
                % {
                    "who": self.edit_merge.who,
                    "thing": model._meta.verbose_name,
                    "when": staff_time(current.modified_at),
                    "parts": merging.the(conflict.named for conflict in self.edit_merge.conflicts),
                },
                code="stale",
            )
        return cleaned

    def _check_described_images(self, cleaned):
        """A description (``<image>_alt``) with no image would be published describing nothing."""
        for name, field in self.fields.items():
            alt = f"{name}_alt"
            if not isinstance(field, forms.ImageField) or alt not in self.fields or name in self.errors:
                continue
            if (cleaned.get(alt) or "").strip() and not cleaned.get(name):
                self.add_error(
                    name,
                    forms.ValidationError(
                        _("There is a description for this image but no image. Choose the image (again), or "
                          "empty the description."),
                        code="description_without_image",
                    ),
                )  # fmt: skip


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue for review")),
            ("soon", _("Due in the next 30 days")),
            ("medical", _("Awaiting medical review")),
            ("ready", _("Fact-checked, ready to publish")),
            ("flagged", _("Flagged for a fresh review")),
            ("scheduled", _("Scheduled")),
            ("new_versions", _("New versions of published records")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue_for_review(today)
        if self.value() == "soon":
            return queryset.published().filter(
                next_review_due__gte=today, next_review_due__lte=today + datetime.timedelta(days=30)
            )
        if self.value() == "medical":
            return queryset.filter(is_awaiting_medical_review(queryset.model))
        if self.value() == "ready":
            return queryset.filter(is_ready_to_publish(queryset.model))
        if self.value() == "flagged":
            return queryset.exclude(review_reason="")
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "new_versions":
            return queryset.working_copies()
        return queryset


class MineFilter(admin.SimpleListFilter):
    title = _("whose")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("drafts", _("My drafts"))]

    def queryset(self, request, queryset):
        if self.value() == "drafts":
            return queryset.drafts_of(request.user)
        return queryset


class BatchedSelection:
    """The selected records of one autocomplete field in every row of a formset, looked up in one query."""

    def __init__(self, formset, name):
        self.formset = formset
        self.name = name
        self.options = None

    def find(self, widget, lookup):
        """``[(value, label), ...]`` for the values any row holds; ``lookup(values)`` is the widget's own query."""
        if self.options is None:
            values = set()
            for form in self.formset.forms:
                values.update(widget.format_value(form[self.name].value()))
            self.options = [
                (option["value"], option["label"])
                for _group, options, _index in lookup(values)
                for option in options
                if str(option["value"]) in values and option["value"] != ""
            ]
        return self.options


class BatchedAutocompleteSelect(NamedAutocompleteSelect):
    """
    The admin's autocomplete input for a row of an inline: Django looks up each row's selected record on its
    own, so a list of 200 rows ran 200 queries. With a :class:`BatchedSelection` from its formset, the first
    row looks up every row's record with Django's own query and the others read the result.
    """

    selection = None

    def optgroups(self, name, value, attr=None):
        if self.selection is None:
            return super().optgroups(name, value, attr)
        found = self.selection.find(
            self, lambda values: super(BatchedAutocompleteSelect, self).optgroups(name, values, attr)
        )
        groups = super().optgroups(name, [], attr)  # the empty choice, if the field has one; no query
        selected_choices = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        options = groups[0][1]
        for option_value, label in found:
            if str(option_value) in selected_choices:
                options.append(self.create_option(name, option_value, label, selected_choices, len(options)))
        return groups


class BatchedSelectionFormSet:
    """Formset mixin: its rows' :class:`BatchedAutocompleteSelect` inputs share one lookup per field."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if index is None:  # the blank row the page copies: nothing selected
            return
        selections = self.__dict__.setdefault("_batched_selections", {})
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's add/change links
            if isinstance(widget, BatchedAutocompleteSelect):
                widget.selection = selections.setdefault(name, BatchedSelection(self, name))


class MergingFormSet:
    """
    Inline formset mixin: its rows are one part of the merge (see :mod:`review.merging`). When only someone else
    changed them since the form was opened, their rows stay and the ones submitted are set aside.
    """

    edit_merge = None

    def clean(self):
        problems = []
        try:
            super().clean()
        except forms.ValidationError as error:
            problems.append(error)
        base = merging.read_edit_version(self.data.get("edit_version"), self.instance) if self.instance.pk else None
        if base is not None:
            self.edit_merge = merging.merge_formset(self, base)
        if self.edit_merge is not None and self.edit_merge.conflicts:
            conflict = self.edit_merge.conflicts[0]
            problems.append(
                forms.ValidationError(
                    _("%(who)s also changed %(part)s after you opened this page. Your rows have NOT been saved: "
                      "compare both versions under “Saved version vs. your form” and choose “Keep theirs” or "
                      "“Keep mine”.") % {"who": self.edit_merge.who, "part": merging.the([conflict.named])},
                    code="stale",
                )
            )  # fmt: skip
        if problems:
            raise forms.ValidationError(problems)

    def keeps_saved(self):
        return self.edit_merge is not None and self.edit_merge.keeps_saved

    def is_valid(self):
        if not self.is_bound:
            return False
        self.errors  # noqa: B018 - cleans once, the merge included
        if self.keeps_saved():
            return not self.non_form_errors()  # the submitted rows are not saved, so their errors do not matter
        return super().is_valid()

    def save(self, commit=True):
        if self.keeps_saved():
            self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
            return []
        return super().save(commit)


class BatchedAutocompleteInlineMixin:
    """For an inline with ``autocomplete_fields``: the records its rows select are looked up once, not per row."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = BatchedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        base = kwargs.get("formset", self.formset)
        kwargs["formset"] = type(base.__name__, (BatchedSelectionFormSet, base), {})
        return super().get_formset(request, obj, **kwargs)


# The name of the button that saves the form and then submits what was saved for review.
SUBMIT_AFTER_SAVE = "_submit_for_review"


def error_summary(form, formsets):
    """
    Every error of a refused save as ``[(anchor, label, message), ...]``, in page order, for the summary at
    the top of the form: the form's fields, then each inline row's fields, then each inline's own errors.
    """
    found = [("", "", message) for message in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name in form.fields:
            found.extend((f"#{form[name].id_for_label or form[name].auto_id}", form[name].label, e) for e in errors)
    for formset in formsets:
        group = f"#{formset.prefix}-group"
        for row in formset.forms:
            for message in row.non_field_errors():
                found.append((group, capfirst(formset.model._meta.verbose_name), message))
            for name, errors in row.errors.items():
                if name in row.fields:
                    label = f"{capfirst(formset.model._meta.verbose_name)}: {row[name].label}"
                    found.extend((f"#{row[name].auto_id}", label, error) for error in errors)
        for message in formset.non_form_errors():
            found.append((group, capfirst(formset.model._meta.verbose_name_plural), message))
    return found


def edit_merge(form, formsets):
    """Everything the merge of a save found, in the form and in each inline, as one :class:`~review.merging.Merge`."""
    merge = merging.Merge().add(getattr(form, "edit_merge", None))
    for formset in formsets:
        merge.add(getattr(formset, "edit_merge", None))
    return merge


def _error_text(error):
    return " ".join(getattr(error, "messages", None) or [str(error)])


class ReviewedAdmin(VersionAdmin):
    """The admin of a reviewed model. Subclasses set fieldsets, inlines and columns as usual."""

    form = ReviewedAdminForm
    change_form_template = "admin/review/change_form.html"
    save_on_top = True
    workflow_fields = [
        "status",
        "published_at",
        "last_updated",
        "fact_checker",
        "last_reviewed_on",
        "medical_reviewer",
        "medically_reviewed_on",
        "review_reason",
    ]

    # --- Columns, filters and the fields the workflow owns -----------------------------------------------

    def get_list_display(self, request):
        return [*super().get_list_display(request), "status", "visibility"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return named(super().formfield_for_dbfield(db_field, request, **kwargs))

    def get_list_filter(self, request):
        return ["status", ReviewDueFilter, MineFilter, *super().get_list_filter(request)]

    def slug_is_fixed(self, obj):
        """A record that has been published keeps its address: links and search engines point there."""
        has_slug = any(field.name == "slug" for field in self.opts.fields)
        return has_slug and obj is not None and (obj.is_working_copy or obj.published_at is not None)

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), *self.workflow_fields, "published_at_in_zone"]
        return [*fields, "slug"] if self.slug_is_fixed(obj) else fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if self.slug_is_fixed(obj) else super().get_prepopulated_fields(request, obj)

    def get_fieldsets(self, request, obj=None):
        return self.with_review_fieldsets(request, obj, super().get_fieldsets(request, obj))

    def with_review_fieldsets(self, request, obj, fieldsets):
        """
        ``fieldsets`` with the hidden lock field in the first group (on an editable form) and a collapsed
        group for the workflow fields they do not show already.
        """
        fieldsets = [(name, {**options, "fields": list(options["fields"])}) for name, options in fieldsets]
        if obj is None or self.has_change_permission(request, obj):
            fieldsets[0][1]["fields"].append("edit_version")
        shown = {field for _, options in fieldsets for field in options["fields"]}
        extra = [field for field in [*self.workflow_fields, "next_review_due"] if field not in shown]
        if extra:
            fieldsets.append((_("Publication and review"), {"fields": extra, "classes": ["collapse"]}))
        # Read-only, so no input says the zone: the time is shown with it instead.
        zoned = {"published_at": "published_at_in_zone"}
        for _name, options in fieldsets:
            options["fields"] = [zoned.get(field, field) for field in options["fields"]]
        return fieldsets

    @admin.display(description=_("published at"))
    def published_at_in_zone(self, obj):
        return staff_time(obj.published_at) if obj is not None and obj.published_at else "—"

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            yield type(formset.__name__, (MergingFormSet, formset), {}), inline

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        # A refused form shows the saved version plus the editor's changes: rows the merge kept are shown as saved.
        shown = []
        for formset, inline in zip(formsets, inline_instances, strict=True):
            if isinstance(formset, MergingFormSet) and formset.keeps_saved():
                merge = formset.edit_merge
                formset = type(formset)(instance=obj, prefix=formset.prefix, queryset=inline.get_queryset(request))
                formset.edit_merge = merge
            shown.append(formset)
        return super().get_inline_formsets(request, shown, inline_instances, obj)

    def get_fields(self, request, obj=None):
        # The lock field is rendered by the template, always, whatever the fieldsets say.
        return [field for field in super().get_fields(request, obj) if field != "edit_version"]

    def view_on_site(self, obj):
        """The reader page, or None for a new version whose address is the published one's (readers see that)."""
        url = obj.get_absolute_url()
        return None if obj.is_working_copy and url == obj.draft_of.get_absolute_url() else url

    @admin.display(description=_("visible to readers"), ordering="published_at")
    def visibility(self, obj):
        if obj.is_working_copy:
            if obj.status == Status.SCHEDULED:
                return _("New version scheduled for %(when)s") % {"when": _when(obj.published_at)}
            return _("New version, not live")
        if obj.is_live:
            return _("Live")
        if obj.status == Status.PUBLISHED:
            return _("Scheduled for %(when)s") % {"when": _when(obj.published_at)}
        return _("No")

    # --- Who may do what: checked here and again in review.workflow --------------------------------------

    def has_change_permission(self, request, obj=None):
        """The text changes only while it is a draft; published records change through a new version."""
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status not in {Status.DRAFT, Status.CHANGES_REQUESTED, Status.ARCHIVED}:
            return False
        return super().has_delete_permission(request, obj)

    # --- Saving ----------------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        state = getattr(request, "_review_state", None)
        if state:  # restoring an old version: keep today's workflow state, only the content goes back
            for name, value in state.items():
                setattr(obj, name, value)
        if not change:
            obj.created_by = request.user
        obj.last_edited_by = request.user
        obj.lock_version += 1
        super().save_model(request, obj, form, change)
        workflow.record_event(obj, request.user, "edit" if change else "create")

    def delete_model(self, request, obj):
        if obj.is_working_copy:
            workflow.discard_new_version(obj, request.user)
        else:
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    # --- Versions: restoring and recovering go through the same rules -----------------------------------

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.has_change_permission(request, obj):
            messages.error(
                request,
                _("This %(thing)s is %(status)s, so an old version cannot be restored into it. Start a new version "
                  "and copy what you need from the history.")
                % {"thing": self.opts.verbose_name, "status": obj.get_status_display().lower()},
            )  # fmt: skip
            return redirect(self.change_url(obj))
        declared = {part.name for part in parts(self.model)}
        request._review_state = {
            field.attname: getattr(obj, field.attname)
            for field in self.model._meta.concrete_fields
            if field.name not in declared and not field.primary_key
        }
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """Bring back a deleted record of this kind (as a draft); one that still exists is restored from its history."""
        version = get_object_or_404(Version.objects.get_for_model(self.model), pk=version_id)
        existing = self.model._base_manager.filter(pk=version.object_id).first()
        if existing is not None:
            messages.error(
                request,
                _("“%(record)s” was not deleted, so there is nothing to recover. To bring back an earlier version of "
                  "its content, open it and use its history.") % {"record": existing},
            )  # fmt: skip
            return redirect(self.change_url(existing))
        return super().recover_view(request, version_id, extra_context)

    object_history_template = "admin/review/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:  # not a record's id: the admin answers as it does for any missing record
            return super().history_view(request, object_id, extra_context)
        context = {
            "versions": self._versions(obj),
            "compare_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_compare_versions", args=[obj.pk]
            ),
            "can_restore": self.has_change_permission(request, obj),
            "status": obj.get_status_display().lower(),
            "has_new_version": self.version_pair(obj)[0] is not None,
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    def _versions(self, obj):
        return list(Version.objects.get_for_object(obj).select_related("revision", "revision__user"))

    def compare_versions_view(self, request, object_id):
        """
        Any two saved versions of a record side by side, as the reviewer's diff shows them; ``published`` and
        ``new`` stand for the live published version and its new version on its way (see :meth:`version_pair`).
        """
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = self._versions(obj)
        by_id = {str(version.pk): version for version in versions}
        live, new = self.version_pair(obj)
        chosen = {"published": live, "new": new}
        asked_from, asked_to = request.GET.get("from", ""), request.GET.get("to", "")
        older = by_id.get(asked_from) or chosen.get(asked_from) or (versions[1] if len(versions) > 1 else None)
        newer = by_id.get(asked_to) or chosen.get(asked_to) or (versions[0] if versions else None)
        if isinstance(older, Version) and isinstance(newer, Version) and older.revision_id > newer.revision_id:
            older, newer = newer, older
        changes = []
        if older is not None and newer is not None:
            changes = content_diff(self.model, self._compared(older), self._compared(newer), context=2)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": _("Compare versions of “%(record)s”") % {"record": obj},
            "versions": versions,
            "older": older,
            "newer": newer,
            "older_label": self._version_label(older, live),
            "newer_label": self._version_label(newer, live),
            "changes": changes,
            "history_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[obj.pk]),
        }
        return TemplateResponse(request, "admin/review/compare_versions.html", context)

    def version_pair(self, obj):
        """``(published record, its new version)`` when ``obj`` is either of the two, else ``(None, None)``."""
        if obj.is_working_copy:
            return obj.draft_of, obj
        if obj.status == Status.PUBLISHED and obj.pending_version is not None:
            return obj, obj.pending_version
        return None, None

    def _compared(self, version):
        """The content of a saved version, or of a record as it is now (the published one or its new version)."""
        if isinstance(version, Version):
            return version_snapshot(self.model, version)
        return snapshot(self.fetch_content(version))

    def _version_label(self, version, live):
        if version is None:
            return ""
        if isinstance(version, Version):
            return _("the version of %(when)s") % {"when": _when(version.revision.date_created)}
        if version == live:
            return _("the published version")
        return _("the new version (%(status)s, not published yet)") % {"status": version.get_status_display().lower()}

    # --- The workflow panel ------------------------------------------------------------------------------

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<int:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name=f"{info}_transition",
            ),
            path(
                "<int:object_id>/new-version/",
                self.admin_site.admin_view(self.new_version_view),
                name=f"{info}_new_version",
            ),
            path(
                "<int:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_versions_view),
                name=f"{info}_compare_versions",
            ),
            path(
                "<int:object_id>/reader/",
                self.admin_site.admin_view(self.reader_frame_view),
                name=f"{info}_reader",
            ),
            path(
                "<int:object_id>/discard-version/",
                self.admin_site.admin_view(self.discard_version_view),
                name=f"{info}_discard_version",
            ),
            *super().get_urls(),
        ]

    def change_url(self, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def transition_view(self, request, object_id, name):
        obj = get_object_or_404(self.model, pk=object_id)
        if request.method != "POST":
            return redirect(self.change_url(obj))
        transition = workflow.TRANSITIONS.get(name)
        if transition is None:
            messages.error(request, _("There is no workflow action called “%(name)s”.") % {"name": name[:40]})
            return redirect(self.change_url(obj))
        if not request.user.has_perm(transition.permission(obj)):
            raise PermissionDenied
        options = {}
        if name == "publish":
            try:
                options = self._publish_options(request)
            except forms.ValidationError as error:
                return self._refuse_transition(request, obj, name, _error_text(error))
        try:
            result = workflow.perform(obj, name, request.user, request.POST.get("comment", "")[:2000], **options)
        except (workflow.WorkflowError, PermissionDenied) as error:
            problem = _error_text(error)
            if options.get("at"):
                problem = _("%(problem)s (You chose %(when)s.)") % {"problem": problem, "when": _when(options["at"])}
            return self._refuse_transition(request, obj, name, problem)
        messages.success(request, _outcome(result))
        return redirect(self.change_url(result))

    def _publish_options(self, request):
        """
        ``{"substantive": ..., "at": ...}`` from the Publish form. The time comes from its date and time inputs
        (or one ``publish_at`` value, ``2026-12-05T09:03``), read in the site's time zone; both empty is now.
        Raises ValidationError, in words, for a date without a time or the other way round, a value that is no
        date or time, and a time the zone skips or repeats when its clocks change.
        """
        post = request.POST
        options = {"substantive": post.get("substantive") == "on"}
        day, hour = post.get("publish_at_0", "").strip(), post.get("publish_at_1", "").strip()
        if not (day or hour):
            day, _sep, hour = post.get("publish_at", "").strip().replace("T", " ").partition(" ")
            day, hour = day.strip(), hour.strip()
        if not (day or hour):
            return options
        if not hour:
            raise forms.ValidationError(
                _("The publication date (%(date)s) has no time. Add the time, e.g. 09:00, or empty the date to "
                  "publish now. Nothing was published.") % {"date": day[:40]}
            )  # fmt: skip
        if not day:
            raise forms.ValidationError(
                _("The publication time (%(time)s) has no date. Add the date, e.g. 2026-12-05, or empty the time to "
                  "publish now. Nothing was published.") % {"time": hour[:40]}
            )  # fmt: skip
        unreadable = _("“%(value)s” is not a date and time we can read: %(why)s Nothing was published.")
        value = f"{day[:40]} {hour[:40]}"
        try:
            date = forms.DateField().clean(day)
        except forms.ValidationError:
            why = _("write the date as year-month-day, e.g. 2026-12-05 (the calendar button does), and make sure the "
                    "day exists.")  # fmt: skip
            raise forms.ValidationError(unreadable % {"value": value, "why": why}) from None
        try:
            time = forms.TimeField().clean(hour)
        except forms.ValidationError:
            why = _("write the time as hours and minutes on the 24-hour clock, e.g. 09:00 or 14:30.")
            raise forms.ValidationError(unreadable % {"value": value, "why": why}) from None
        options["at"] = _in_site_zone(datetime.datetime.combine(date, time))
        return options

    #: Where a refused workflow action keeps what was typed into it, for the change page to show again.
    KEPT_INPUT = "review_kept_input"

    def _refuse_transition(self, request, obj, name, problem):
        """Say why ``name`` was refused and keep what was typed, so the change page shows it again."""
        messages.error(request, problem)
        request.session[self.KEPT_INPUT] = {
            "record": f"{self.opts.label_lower}:{obj.pk}",
            "transition": name,
            "comment": request.POST.get("comment", "")[:2000],
            "publish_at_0": request.POST.get("publish_at_0", "")[:40],
            "publish_at_1": request.POST.get("publish_at_1", "")[:40],
            "substantive": request.POST.get("substantive") == "on",
        }
        return redirect(self.change_url(obj))

    def _kept_input(self, request, obj):
        """What was typed into a workflow action on this record that was just refused, else ``{}``; shown once."""
        kept = request.session.pop(self.KEPT_INPUT, None)
        return kept if kept and kept.get("record") == f"{self.opts.label_lower}:{obj.pk}" else {}

    def _kept_publish_at(self, kept):
        """The kept publication time, when it can be read, to say it back in the site's words."""
        if kept.get("transition") != "publish":
            return None
        try:
            date = forms.DateField().clean(kept.get("publish_at_0", ""))
            time = forms.TimeField().clean(kept.get("publish_at_1", ""))
            return _in_site_zone(datetime.datetime.combine(date, time))
        except forms.ValidationError:
            return None

    def new_version_view(self, request, object_id):
        obj = get_object_or_404(self.model, pk=object_id)
        if request.method != "POST":
            return redirect(self.change_url(obj))
        try:
            copy = workflow.start_new_version(obj, request.user)
        except (workflow.WorkflowError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
            return redirect(self.change_url(obj))
        messages.info(
            request,
            _("You are editing a new version. Readers keep seeing the published one until this is fact-checked "
              "and published."),
        )  # fmt: skip
        return redirect(self.change_url(copy))

    def discard_version_view(self, request, object_id):
        copy = get_object_or_404(self.model, pk=object_id)
        if request.method != "POST":
            return redirect(self.change_url(copy))
        original = copy.draft_of
        try:
            workflow.discard_new_version(copy, request.user)
        except (workflow.WorkflowError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
            return redirect(self.change_url(copy))
        messages.success(request, _("The new version was discarded; the published version is unchanged."))
        return redirect(self.change_url(original))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.workflow_context(request, obj))
        form = context["adminform"].form if context.get("adminform") else None
        formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
        refused = request.method == "POST" and form is not None
        if refused:
            self.explain_refused_save(request, form, formsets)
        editable = form is not None and (obj is None or self.has_change_permission(request, obj))
        merge = edit_merge(form, formsets)
        context["edit_merge"] = merge if refused and (merge.stale or merge.conflicts) else None
        context["edit_merge_summary"] = merge.summary(saved=False)
        context["thing"] = self.opts.verbose_name
        context["editable_form"] = editable
        context["can_save_and_submit"] = editable and workflow.TRANSITIONS["submit"].available_to(
            request.user, obj or self.model()
        )
        context["submit_refused"] = refused and SUBMIT_AFTER_SAVE in request.POST
        context["error_summary"] = error_summary(form, formsets) if refused else []
        if obj is not None:
            context["media"] = context["media"] + self.review_bar_media(context)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def review_bar_media(self, context):
        """The bar's script, and the admin's calendar and clock when the bar offers to publish at a time."""
        media = forms.Media(js=["js/review-bar.js"])
        if any(transition.name == "publish" for transition in context.get("workflow_transitions", [])):
            media = AdminSplitDateTime().media + media
        return media

    def explain_refused_save(self, request, form, formsets):
        """
        After a refused save: browsers never send a chosen file again, so say next to each file field that
        its file was not kept and must be chosen again.
        """
        for name, uploaded in request.FILES.items():
            # A file refused for what it is already says so; a good file lost to other errors must be chosen again.
            if name in form.fields and isinstance(form.fields[name], forms.FileField) and name not in form.errors:
                form.add_error(
                    name,
                    forms.ValidationError(
                        _("The file you chose (“%(file)s”) was NOT saved, because the page had errors. Choose it "
                          "again before you save.") % {"file": uploaded.name[:80]},
                        code="choose_again",
                    ),
                )  # fmt: skip

    # --- Saving and submitting in one step: what is on screen is what the reviewer gets --------------------

    def response_add(self, request, obj, post_url_continue=None):
        if SUBMIT_AFTER_SAVE in request.POST:
            return self._submit_after_save(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if SUBMIT_AFTER_SAVE in request.POST:
            if getattr(request, "_review_merged_unseen", False):
                messages.warning(
                    request,
                    _("Your changes were saved, but NOT submitted for review: the saved version also has changes "
                      "someone else made after you opened the page, which you have not seen. Read it, then submit."),
                )  # fmt: skip
                return redirect(self.change_url(obj))
            return self._submit_after_save(request, obj)
        return super().response_change(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        merge = edit_merge(form, formsets)
        said = merge.summary(saved=True)
        if merge.stale and said:
            intro = _("%(who)s saved this %(thing)s after you opened it, and both versions are merged.") % {
                "who": merge.who,
                "thing": self.opts.verbose_name,
            }
            messages.info(request, " ".join([intro, *said]))
        request._review_merged_unseen = bool(merge.kept_theirs)

    def _submit_after_save(self, request, obj):
        try:
            result = workflow.perform(obj, "submit", request.user)
        except (workflow.WorkflowError, PermissionDenied) as error:
            messages.error(
                request,
                _("Your changes were saved, but NOT submitted for review: %(why)s") % {"why": _error_text(error)},
            )
            return redirect(self.change_url(obj))
        messages.success(
            request,
            _("Your changes were saved and “%(title)s” was submitted for review. Withdraw it to edit again.")
            % {"title": result},
        )
        return redirect(self.change_url(result))

    # --- The reviewer's desk: the record as readers will see it ---------------------------------------------

    #: The reader page's view (a DetailView that finds any version by ``pk``). The desk renders that page's
    #: content with the view's own context and template, so it is what readers will see, not a copy of it.
    reader_page_view = None

    def content_querysets(self):
        """``{part name: queryset}`` for declared relations the change form reads more of than their rows."""
        return {}

    def fetch_content(self, obj):
        """``obj`` with its declared relations loaded once for the whole change form (panel, diff, preview)."""
        return fetch_content(obj, self.content_querysets())

    def rendered_parts(self, obj):
        """``{name: safe HTML}`` for the parts a model shows readers in its own way (e.g. with numbered citations)."""
        return {}

    def reader_page(self, request, obj):
        """
        ``(context, template)`` of ``obj``'s reader page as its view builds them, without what a page shows
        besides the record (the feedback form, other articles); ``None`` without a reader page view.
        """
        if self.reader_page_view is None:
            return None
        return self.build_reader_page(request, self.reader_page_view, obj.pk)

    def build_reader_page(self, request, view_class, pk, **attributes):
        """What :meth:`reader_page` returns, from reader view ``view_class`` for record ``pk``, given ``attributes``."""
        view = view_class()
        view.setup(request, pk=pk)
        for name, value in attributes.items():
            setattr(view, name, value)
        try:
            view.object = view.get_object()
        except Http404:
            return None
        context = view.get_context_data(object=view.object)
        context.update(feedback_form=None, related_articles=[], recent_articles=[])
        return context, select_template(view.get_template_names())

    def reader_frame_view(self, request, object_id):
        """The desk's frame: the record as readers will see it, saved or as the posted form would save it."""
        return preview.reader_frame(self, request, object_id)

    def reader_view(self, request, obj, page=None):
        """
        ``obj`` as readers will see it (safe HTML, a page of its own in the desk's frame): its reader page's
        content, else its name and each declared part.
        """
        page = page or self.reader_page(request, obj)
        if page is not None:
            return render_block(page[1], "content", page[0], request)
        rendered = self.rendered_parts(obj)
        plain = snapshot(obj)
        shown = []
        for part in parts(self.model):
            if part.name in rendered:
                html = rendered[part.name]
            elif part.kind != FIELD:
                items = plain[part.name]
                html = format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((item,) for item in items)))
                html = html if items else ""
            elif part.is_rich_text:
                html = mark_safe(getattr(obj, part.name) or "")  # sanitized on save
            elif isinstance(part.field, models.ImageField):
                image = getattr(obj, part.name)
                alt = getattr(obj, f"{part.name}_alt", "")
                html = format_html('<img src="{}" alt="{}" class="reader-image">', image.url, alt) if image else ""
            else:
                html = format_html("{}", plain[part.name]) if plain[part.name] != "" else ""
            if html:
                shown.append(format_html("<section><h2>{}</h2>{}</section>", capfirst(part.label), html))
        return format_html("<h1>{}</h1>{}", obj, format_html_join("", "{}", ((html,) for html in shown)))

    def structured_data_change(self, request, obj, page, baseline):
        """
        How the page's structured data (the JSON-LD search engines read) changes: compared with the published
        version's, or all new for a first version. ``None`` when the baseline is a fact-checked snapshot, which
        holds the content only.
        """
        if page is None or "structured_data" not in page[0]:
            return None
        after = page[0]["structured_data"]
        if obj.is_working_copy:
            published = self.reader_page(request, obj.draft_of)
            before = published[0].get("structured_data") if published else {}
            # Published, the new version's content goes live at the published record's address, not its preview's.
            preview, live = (json.dumps(request.build_absolute_uri(o.get_absolute_url())) for o in (obj, obj.draft_of))
            after = json.loads(json.dumps(after).replace(preview[1:-1], live[1:-1]))
        elif baseline is None:
            before = {}
        else:
            return None
        return data_change("structured_data", _("Structured data for search engines"), before, after)

    def workflow_context(self, request, obj):
        self.fetch_content(obj)
        if obj.is_working_copy:
            self.fetch_content(obj.draft_of)  # the baseline the diff compares with
        baseline, baseline_label = workflow.review_baseline(obj)
        page = self.reader_page(request, obj)
        review_diff = content_diff(self.model, baseline or {}, snapshot(obj))
        structured = self.structured_data_change(request, obj, page, baseline)
        if structured is not None:
            review_diff.append(structured)
        opts = self.opts
        kept = self._kept_input(request, obj)
        along, first = workflow.reviewed_along(obj, workflow.unpublished_dependencies(obj))
        return {
            "workflow_transitions": workflow.available_transitions(obj, request.user),
            "publish_waits": (
                _("Needs a medical review by a clinician before it can be published.")
                if awaits_medical_review(obj)
                else ""
            ),
            "working_copy": obj.pending_version,
            "can_start_new_version": (
                obj.status == Status.PUBLISHED
                and not obj.is_working_copy
                and request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
            ),
            "can_discard_version": (
                obj.is_working_copy
                and obj.status != Status.SCHEDULED
                and request.user.has_perm(f"{opts.app_label}.delete_{opts.model_name}")
            ),
            "review_diff": review_diff,
            "visibility_text": self.visibility(obj),
            **self.diff_wording(obj, baseline_label),
            "separation_problem": workflow.separation_of_duties_problem(obj, request.user),
            # New records it shows that go through review with it are said as such, not as records to publish first.
            "reviewed_along": along,
            "unpublished_dependencies": first,
            "reach": self.change_reach(request, obj),
            **self.pending_shown(request, obj),
            "fact_checks": FactCheck.objects.for_object(obj).select_related("contributor", "reviewer")[:5],
            "events": ReviewEvent.objects.for_object(obj).select_related("actor")[:20],
            "time_zone": timezone.get_current_timezone_name(),
            "kept": kept,
            "kept_publish_at": self._kept_publish_at(kept),
        }

    def diff_wording(self, obj, baseline_label):
        """How the desk names what the diff compares with; a first version is compared with nothing, and says so."""
        if baseline_label:
            return {
                "review_diff_label": baseline_label,
                "review_desk_summary": _("As readers will see it, and what changed since %(then)s")
                % {"then": baseline_label},
                "review_diff_heading": _("What changed since %(then)s") % {"then": baseline_label},
            }
        return {
            "review_diff_label": _("nothing (a first version: all of it is new)"),
            "review_desk_summary": _("As readers will see it; a first version, so all of it is new"),
            "review_diff_heading": _("All of it is new: a first version"),
        }

    # --- The reach of a change: which published pages show it (see review.reach) --------------------------

    def reader_page_output(self, request, pk, prepare=None):
        """
        ``(content HTML, structured data)`` of record ``pk``'s reader page as its view builds it now; page parts are
        built afresh, not read from what publication stored. ``prepare`` is called with the record as loaded, then
        with the page's other values (querysets evaluated) before the template reads them. ``None`` without a
        reader page view.
        """
        if self.reader_page_view is None:
            return None
        view = self.reader_page_view()
        view.setup(request, pk=pk)
        try:
            record = view.object = view.get_object()
        except Http404:
            return None
        if is_rendered(self.model):
            record.stored_page_parts = None
            prefetch_related_objects([record], *parts_function(self.model).queryset()._prefetch_related_lookups)
        if prepare is not None:
            prepare(record)
        context = view.get_context_data(object=record)
        context.update(feedback_form=None, related_articles=[], recent_articles=[])
        if prepare is not None:  # and the rows the page lists besides the record's own (a condition's products…)
            prepare([list(value) if isinstance(value, models.QuerySet) else value for value in context.values()])
        html = render_block(select_template(view.get_template_names()), "content", context, request)
        return str(html), json.dumps(context.get("structured_data"), sort_keys=True, default=str)

    def page_renderer(self, request):
        """``render(model, pk, prepare)`` for :mod:`review.reach`: each page by its own model's admin."""

        def render(model, pk, prepare):
            model_admin = self.admin_site._registry.get(model)
            if not isinstance(model_admin, ReviewedAdmin):
                return None
            return model_admin.reader_page_output(request, pk, prepare)

        return render

    def fetch_elsewhere(self, record):
        """``record`` (of any reviewed model) with its content loaded the way its own admin loads it."""
        model_admin = self.admin_site._registry.get(type(record))
        return model_admin.fetch_content(record) if isinstance(model_admin, ReviewedAdmin) else fetch_content(record)

    def pending_shown(self, request, obj):
        """
        The new versions on their way of records ``obj`` shows, with what each changes on its page
        (``pending_shown``), and those that change nothing readers see there (``pending_unseen``).
        """
        found = reach.pending_changes_shown(self.page_renderer(request), obj, self.fetch_elsewhere)
        for pending in found:
            opts = pending.new_version._meta
            pending.url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pending.new_version.pk])
        unseen = [pending for pending in found if pending.page_known and not pending.on_this_page]
        return {"pending_shown": found, "pending_unseen": unseen}

    def change_reach(self, request, obj):
        """
        The published pages the change under review reaches, as :class:`review.reach.Reach` with a label per kind:
        for a new version, the pages showing what it changes; for a record readers do not see yet, every page that
        names it. A live record without a new version changes nothing.
        """
        if obj.is_working_copy:
            found = reach.pages_reached(self.page_renderer(request), obj.draft_of, obj)
        elif not obj.is_live:
            found = reach.pages_showing_at_all(obj)
        else:
            return None
        found.pages = [(capfirst(model._meta.verbose_name_plural), records) for model, records in found.pages]
        return found

    # --- Bulk actions: one per transition that needs no comment, through the same function ---------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        for transition in workflow.TRANSITIONS.values():
            permission = f"{self.opts.app_label}.{transition.action}_{self.opts.model_name}"
            if transition.needs_comment or not request.user.has_perm(permission):
                continue
            name = f"{transition.name}_selected"
            description = _("%(action)s: selected %(things)s") % {
                "action": transition.label,
                "things": self.opts.verbose_name_plural,
            }
            actions[name] = (self._bulk_action(transition.name), name, description)
        return actions

    def _bulk_action(self, name):
        def run(modeladmin, request, queryset):
            done, problems = 0, []
            for obj in queryset:
                try:
                    workflow.perform(obj, name, request.user)
                    done += 1
                except (workflow.WorkflowError, PermissionDenied) as error:
                    problems.append(f"“{obj}”: {_error_text(error)}")
            if done:
                messages.success(request, _("%(count)d record(s) updated.") % {"count": done})
            for problem in problems:
                messages.error(request, problem)

        return run


def _find_block(nodelist, name):
    for node in nodelist:
        if isinstance(node, BlockNode) and node.name == name:
            return node
        for attribute in node.child_nodelists:
            found = _find_block(getattr(node, attribute, None) or [], name)
            if found is not None:
                return found
    return None


def render_block(template, name, context, request):
    """One ``{% block %}`` of ``template`` (a loaded template), rendered alone with ``context``, as safe HTML."""
    compiled = template.template
    block = _find_block(compiled.nodelist, name)
    if block is None:
        return ""
    context = make_context(context, request)
    with context.render_context.push_state(compiled), context.bind_template(compiled):
        return mark_safe(block.nodelist.render(context))


def _when(moment):
    return staff_time(moment)


def _in_site_zone(naive):
    """
    ``naive`` (a date and time as a person typed it) in the site's time zone. Refuses, in words, a time that does
    not exist there (the hour skipped when the clocks go forward) or happens twice (when they go back).
    """
    zone = timezone.get_current_timezone()
    moment = naive.replace(tzinfo=zone)
    said = {
        "time": naive.strftime("%H:%M"),
        "date": dateformat.format(naive, "j F Y"),
        "zone": timezone.get_current_timezone_name(),
    }
    try:
        round_trip = timezone.localtime(moment.astimezone(datetime.UTC), zone).replace(tzinfo=None)
    except OverflowError:  # the last minutes of year 9999, west of Greenwich
        raise forms.ValidationError(_("That time is too far ahead. Pick a date before the year 9999.")) from None
    if round_trip != naive:
        raise forms.ValidationError(
            _("%(time)s on %(date)s does not exist in %(zone)s: the clocks go forward then. Pick a time outside "
              "that hour. Nothing was published.") % said
        )  # fmt: skip
    if moment.utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset():
        raise forms.ValidationError(
            _("%(time)s on %(date)s happens twice in %(zone)s: the clocks go back then. Pick a time outside that "
              "hour. Nothing was published.") % said
        )  # fmt: skip
    return moment


def _outcome(result):
    if result.status == Status.SCHEDULED or (result.status == Status.PUBLISHED and not result.is_live):
        return _("“%(title)s” is scheduled for %(when)s. Readers see the current version until then.") % {
            "title": result,
            "when": _when(result.published_at),
        }
    return _("“%(title)s” is now %(status)s.") % {"title": result, "status": result.get_status_display().lower()}


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    """Workflow records are evidence: staff read them, nobody edits or deletes them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FactCheck)
class FactCheckAdmin(ReadOnlyRecordAdmin):
    list_display = ["record", "kind", "content_type", "contributor", "reviewer", "checked_at", "lock_version"]
    list_filter = ["kind", "content_type", "contributor"]
    list_select_related = ["content_type", "contributor", "reviewer"]
    search_fields = ["notes"]


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyRecordAdmin):
    list_display = ["created_at", "content_type", "object_id", "action", "from_status", "to_status", "actor"]
    list_filter = ["content_type", "action"]
    list_select_related = ["content_type", "actor"]
    search_fields = ["comment"]
