from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ivig_site.numbers import whole_number
from review import workflow
from review.admin import BatchedAutocompleteInlineMixin, ReviewedAdmin
from review.content import snapshot
from review.diffing import content_diff
from richtext.fields import sanitize_html

from . import services
from .crossref import CrossrefError
from .formatting import format_reference, format_source
from .forms import ImportForm, record_key
from .importers import MAX_RECORDS
from .markers import broken_markers, cited_fields, render_record_text, sync_citations, unknown_keys
from .models import Citation, Source, SourceAuthor
from .views import SourceDetailView, export_response


class SourceAuthorInline(admin.TabularInline):
    model = SourceAuthor
    fields = ["position", "family_name", "given_names"]
    extra = 3


class RetractedFilter(admin.SimpleListFilter):
    title = _("retraction")
    parameter_name = "retracted"

    def lookups(self, request, model_admin):
        return [("yes", _("Retracted")), ("no", _("Not retracted"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.retracted()
        if self.value() == "no":
            return queryset.filter(retracted_on__isnull=True)
        return queryset


class MergeForm(forms.Form):
    survivor = forms.ModelChoiceField(
        queryset=Source.objects.none(),
        widget=forms.RadioSelect,
        label=_("Keep this one"),
        help_text=_(
            "The others’ citations move to it and its empty fields are filled from them, through review: published "
            "pages change in new versions. The others are deleted once nothing cites them."
        ),
    )

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = sources


def _text(error):
    return " ".join(getattr(error, "messages", None) or [str(error)])


def report_merge(request, survivor, result):
    """Tell the editor what a merge did, and what still waits for review."""

    def titles(records):
        return get_text_list([f"“{record}”" for record in records], _("and"))

    if result.deleted:
        messages.success(
            request,
            ngettext(
                "Merged %(count)d duplicate into “%(title)s”.",
                "Merged %(count)d duplicates into “%(title)s”.",
                len(result.deleted),
            )
            % {"count": len(result.deleted), "title": survivor.title},
        )
    if result.changed:
        messages.success(request, _("Now citing “%(title)s”: %(records)s.") % {
            "title": survivor.title, "records": titles(result.changed)})  # fmt: skip
    if result.new_versions:
        messages.warning(
            request,
            _("Published pages changed in new versions, which readers see once a reviewer publishes them: "
              "%(records)s. Submit them for review.") % {"records": titles(result.new_versions)},
        )  # fmt: skip
    if result.survivor is not None and result.survivor.is_working_copy:
        messages.warning(
            request,
            _("“%(title)s” is published, so what its duplicates add went into a new version of it. Submit it for "
              "review.") % {"title": survivor.title},
        )  # fmt: skip
    for duplicate, why in result.kept:
        messages.info(request, _("“%(title)s” was kept: %(why)s") % {"title": duplicate.title, "why": why})


def most_complete(sources):
    """The source to keep by default: the one with the most fields filled in, then the oldest."""

    def filled(source):
        return sum(bool(getattr(source, name)) for name in services.merged_fields()) + bool(source.authors.all())

    return max(sources, key=lambda source: (filled(source), -source.pk))


@admin.register(Source)
class SourceAdmin(ReviewedAdmin):
    list_display = ["title", "first_author", "publication", "year", "doi", "cited_in", "retraction"]
    list_filter = [RetractedFilter, "kind", "year"]
    ordering = ["title"]
    search_fields = ["title", "publication", "doi", "pmid", "citation_key", "authors__family_name"]
    inlines = [SourceAuthorInline]
    actions = ["merge_selected", "fill_selected_from_crossref"]

    change_list_template = "references/admin/source_change_list.html"
    change_form_template = "references/admin/source_change_form.html"
    readonly_fields = ["how_to_cite", "as_readers_see_it", "citing_records"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    reader_page_view = SourceDetailView

    def get_fieldsets(self, request, obj=None):
        retraction_classes = [] if obj is not None and obj.is_retracted else ["collapse"]
        return self.with_review_fieldsets(
            request,
            obj,
            [
                (None, {"fields": ["kind", "title", "has_more_authors"]}),
                (_("Where it was published"), {"fields": ["publication", "publisher", "year", "published_on"]}),
                (_("Volume, issue and pages"), {"fields": ["volume", "issue", "pages"]}),
                (_("Identifiers and links"), {"fields": ["doi", "pmid", "url", "accessed_on"]}),
                (
                    _("Citing it"),
                    {"fields": ["citation_key", "how_to_cite", "as_readers_see_it", "citing_records"]},
                ),
                (_("Retraction"), {"fields": ["retracted_on", "retraction_notice_url"], "classes": retraction_classes}),
            ],
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(citation_count=Count("citations", distinct=True))
            .prefetch_related("authors")
        )

    # --- Columns and read-only fields -------------------------------------------------------------------

    @admin.display(description=_("first author"))
    def first_author(self, source):
        authors = source.authors.all()
        return str(authors[0]) if authors else "—"

    @admin.display(description=_("cited in"), ordering="citation_count")
    def cited_in(self, source):
        return source.citation_count

    @admin.display(description=_("retracted"), ordering="retracted_on")
    def retraction(self, source):
        return source.retracted_on or ""

    @admin.display(description=_("how to cite it"))
    def how_to_cite(self, source):
        if source.pk is None:
            return _("Save the source first.")
        return format_html(
            "<code>{}</code><br>{}",
            source.marker,
            _("Type this in an article’s text, right after the claim it supports."),
        )

    @admin.display(description=_("as readers see it"))
    def as_readers_see_it(self, source):
        return format_source(source) if source.pk else "—"

    @admin.display(description=_("cited in"))
    def citing_records(self, source):
        if source.pk is None:
            return "—"
        records = services.citing_records(source.draft_of or source)
        if not records:
            return _("Nothing cites it yet.")
        rows = format_html_join(
            "",
            "<li>{}: <a href='{}'>{}</a> ({}{})</li>",
            (
                (
                    capfirst(record._meta.verbose_name),
                    reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk]),
                    record,
                    record.get_status_display().lower(),
                    _(", flagged for a fresh review") if record.review_reason else "",
                )
                for record in records
            ),
        )
        return format_html("<ul class='citing-articles'>{}</ul>", rows)

    # --- Saving ---------------------------------------------------------------------------------------------

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        source = form.instance
        services.ensure_citation_key(source)
        newly_retracted = source.is_retracted and not form.initial.get("retracted_on")
        if newly_retracted:
            records = services.flag_citing_articles(source, by=request.user)
            if records:
                messages.warning(
                    request,
                    ngettext(
                        "The page citing it was sent back to the review queue: %(titles)s.",
                        "The %(count)d pages citing it were sent back to the review queue: %(titles)s.",
                        len(records),
                    )
                    % {"count": len(records), "titles": get_text_list([f"“{r}”" for r in records], _("and"))},
                )

    # --- Import, export, Crossref ---------------------------------------------------------------------------

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=f"{info}_import"),
            path(
                "cited-in/<int:content_type_id>/<int:object_id>/sources.<str:fmt>",
                self.admin_site.admin_view(self.export_view),
                name=f"{info}_export",
            ),
            path(
                "<int:object_id>/fill-from-doi/",
                self.admin_site.admin_view(self.fill_from_doi_view),
                name=f"{info}_fill_from_doi",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Paste or upload an export, preview each record, import the chosen ones in one go."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(
            request.POST or None,
            request.FILES or None,
            initial={"cite_in": request.GET.get("cite_in")},
            user=request.user,
        )
        preview, errors, chosen, article = None, [], None, None
        if request.method == "POST" and form.is_valid():
            article = form.cleaned_data["cite_in"]
            preview = form.records
            # Record numbers as the preview's checkboxes post them; anything else is no record.
            updates = {whole_number(number, 1, MAX_RECORDS) for number in request.POST.getlist("update")} - {None}
            if "import" in request.POST and updates:
                return self._update_from_import(request, preview, updates)
            if "import" in request.POST:
                chosen = {whole_number(number, 1, MAX_RECORDS) for number in request.POST.getlist("selected")} - {None}
                try:
                    result = services.import_references(preview, chosen, by=request.user, cite_in=article)
                except ValidationError as error:
                    errors = error.messages
                else:
                    self._report_import(request, result, article)
                    if article is not None:
                        opts = article._meta
                        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", article.pk)
                    return redirect("admin:references_source_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import references"),
            "form": form,
            "can_attach": bool(form.fields["cite_in"].choices[1:]),
            "cite_in_key": record_key(article) if article is not None else "",
            "preview": preview,
            "preview_rows": preview_rows(preview or [], article, chosen),
            "import_errors": errors,
            "counts": _count_statuses(preview or []),
        }
        return TemplateResponse(request, "references/admin/import.html", context)

    def _update_from_import(self, request, preview, numbers):
        updated = []
        try:
            with transaction.atomic():
                for record in preview:
                    if record.number in numbers and record.existing is not None:
                        updated.append(update_from_import(record.existing, record.reference, request.user))
        except (ValidationError, PermissionDenied) as error:
            messages.error(
                request, _("Nothing was updated: %(why)s") % {"why": " ".join(getattr(error, "messages", [str(error)]))}
            )
            return redirect("admin:references_source_import")
        messages.success(
            request,
            ngettext(
                "%(count)d library record now holds the imported data, in a version that goes through review: "
                "%(titles)s.",
                "%(count)d library records now hold the imported data, in versions that go through review: "
                "%(titles)s.",
                len(updated),
            )
            % {"count": len(updated), "titles": get_text_list([f"“{source}”" for source in updated], _("and"))},
        )  # fmt: skip
        if len(updated) == 1:
            return redirect("admin:references_source_change", updated[0].pk)
        return redirect("admin:references_source_changelist")

    def _report_import(self, request, result, article):
        parts = []
        if result.created:
            count = len(result.created)
            parts.append(
                ngettext("%(count)d new source added", "%(count)d new sources added", count) % {"count": count}
            )
        if result.reused:
            count = len(result.reused)
            parts.append(
                ngettext("%(count)d was already in the library", "%(count)d were already in the library", count)
                % {"count": count}
            )
        if article is not None:
            parts.append(_("%(count)d now cited in “%(title)s”") % {"count": len(result.attached), "title": article})
            if result.already_cited:
                parts.append(_("%(count)d it already cited") % {"count": len(result.already_cited)})
        messages.success(request, _("Import done: %(parts)s.") % {"parts": "; ".join(parts)})

    def export_view(self, request, content_type_id, object_id, fmt):
        content_type = get_object_or_404(ContentType, pk=content_type_id)
        model = content_type.model_class()
        if model not in Citation.citing_models():
            raise Http404
        if not request.user.has_perm(f"{content_type.app_label}.view_{content_type.model}"):
            raise PermissionDenied
        return export_response(get_object_or_404(model, pk=object_id), fmt)

    def fill_from_doi_view(self, request, object_id):
        source = get_object_or_404(Source, pk=object_id)
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            source = self._fill(request, source)
        return redirect("admin:references_source_change", source.pk)

    def _fill(self, request, source):
        """Fill ``source`` from Crossref through review; returns the record that holds the result."""
        try:
            target, filled = services.fill_from_crossref(source, by=request.user)
        except (CrossrefError, workflow.WorkflowError, PermissionDenied) as error:
            messages.error(request, _("“%(source)s”: %(error)s") % {"source": source.title, "error": _text(error)})
            return source
        if not filled:
            messages.info(request, _("“%(source)s”: nothing to fill; every field Crossref has is already filled.")
                          % {"source": source.title})  # fmt: skip
        elif target.is_working_copy and not source.is_working_copy:
            messages.success(
                request,
                _("“%(source)s” is published, so %(fields)s from Crossref went into a new version of it. Check them "
                  "against the article and submit it for review; readers keep the published version until then.")
                % {"source": source.title, "fields": get_text_list(filled, _("and"))},
            )  # fmt: skip
        else:
            messages.success(
                request,
                _("“%(source)s”: filled %(fields)s from Crossref. Check them against the article.")
                % {"source": source.title, "fields": get_text_list(filled, _("and"))},
            )
        return target

    # --- Actions --------------------------------------------------------------------------------------------

    def has_merge_permission(self, request):
        # Django offers an action when any of its permissions is held; merging needs both.
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(permissions=["change"], description=_("Fill empty fields from Crossref (by DOI)"))
    def fill_selected_from_crossref(self, request, queryset):
        for source in queryset:
            self._fill(request, source)

    @admin.action(permissions=["merge"], description=_("Merge selected duplicates into one source"))
    def merge_selected(self, request, queryset):
        sources = list(queryset.prefetch_related("authors").annotate(citation_count=Count("citations")))
        if len(sources) < 2:
            messages.error(request, _("Select two or more sources that describe the same work."))
            return None
        form = MergeForm(
            request.POST if "survivor" in request.POST else None,
            sources=queryset,
            initial={"survivor": most_complete(sources)},
        )
        if form.is_bound and form.is_valid():
            survivor = form.cleaned_data["survivor"]
            others = [source for source in sources if source.pk != survivor.pk]
            try:
                result = services.merge_sources(survivor, others, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, _("Nothing was merged: %(why)s") % {"why": _text(error)})
                return None
            report_merge(request, survivor, result)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Merge duplicate sources"),
            "form": form,
            "sources": [(source, format_source(source)) for source in sources],
            "selected": [source.pk for source in sources],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "references/admin/merge_sources.html", context)


@dataclass(frozen=True)
class PreviewRow:
    record: object
    reference: str
    selectable: bool
    checked: bool
    already_cited: bool
    differences: list = field(default_factory=list)  # the library's record vs. the import, part by part


def preview_rows(records, article, chosen=None):
    """How each record shows in the import preview: its reference, and whether it can and should be ticked."""
    cited = set(article.citations.values_list("source_id", flat=True)) if article is not None else set()
    rows = []
    for record in records:
        already_cited = record.existing is not None and record.existing.pk in cited
        selectable = record.can_import and (record.existing is None or (article is not None and not already_cited))
        checked = selectable and (chosen is None or record.number in chosen)
        reference = format_reference(record.reference) if record.reference else ""
        differences = import_differences(record.existing, record.reference) if record.existing else []
        rows.append(PreviewRow(record, reference, selectable, checked, already_cited, differences))
    return rows


def imported_values(reference):
    """
    What an imported reference says about a source, for updating the library's record: only what the file
    gives (an export without an access date does not erase the library's), never the library's citation key.
    """
    values = {
        name: value
        for name, value in reference.source_fields().items()
        if name != "citation_key" and value not in ("", None)
    }
    if reference.authors:
        values["has_more_authors"] = reference.has_more_authors
        values["authors"] = [
            SourceAuthor(position=position, family_name=name.family, given_names=name.given)
            for position, name in enumerate(reference.authors, start=1)
        ]
    return values


def import_differences(source, reference):
    """The library's ``source`` against the import, as the reviewer's diff shows changes."""
    library = snapshot(source, {"authors": list(source.authors.all())})
    return content_diff(Source, library, snapshot(source, {**imported_values(reference)}), context=0)


@transaction.atomic
def update_from_import(source, reference, by):
    """
    Write an imported reference onto the library's ``source`` through review: a published source gets a new
    version (readers keep the reviewed one until it is fact-checked and published), a draft is edited in
    place, and a source that cannot change now is refused. Returns the record that now holds the imported data.
    """
    target = workflow.version_to_edit(source, by)
    values = imported_values(reference)
    authors = values.pop("authors", None)
    for name, value in values.items():
        setattr(target, name, value)
    target.last_edited_by = by
    target.lock_version += 1
    target.save()
    if authors is not None:
        target.authors.all().delete()
        for author in authors:
            author.source = target
        SourceAuthor.objects.bulk_create(authors)
    workflow.record_event(target, by, "edit", _("Updated from an imported reference file."))
    return target


def _count_statuses(preview):
    counts = {"new": 0, "existing": 0, "problem": 0}
    for record in preview:
        counts[record.status] += 1
    return counts


# --- Citations on the article's page -------------------------------------------------------------------------


MARKER_PROBLEM = "citation_marker"


class CitationFormSet(BaseGenericInlineFormSet):
    """A page's sources; refuses a save whose text cites something the library does not have."""

    def clean(self):
        super().clean()
        listed = [
            form.cleaned_data["source"]
            for form in self.forms
            if form.cleaned_data.get("source") and not form.cleaned_data.get("DELETE")
        ]
        twice = sorted({str(source.title) for source in listed if listed.count(source) > 1})
        if twice:
            raise ValidationError(
                _("Each source is listed once; remove the second entry of %(sources)s.")
                % {"sources": get_text_list([f"“{title}”" for title in twice], _("and"))},
                code="listed_twice",
            )
        body = "\n".join(sanitize_html(getattr(self.instance, name, "") or "") for name in cited_fields(self.instance))
        problems = []
        broken = broken_markers(body)
        if broken:
            problems.append(ValidationError(
                _("These citation markers are not closed or contain formatting: %(markers)s. Write them as plain "
                  "text, e.g. [cite:perez-2017].") % {"markers": get_text_list([f"“{m}”" for m in broken], _("and"))},
                code=MARKER_PROBLEM,
            ))  # fmt: skip
        unknown = unknown_keys(body)
        if unknown:
            message = (
                ngettext(
                    "The text cites %(markers)s, which is not a source in the library.",
                    "The text cites %(markers)s, which are not sources in the library.",
                    len(unknown),
                )
                % {"markers": get_text_list([str(key) for key in unknown], _("and"))}
                + " "
                + _("Import or add the source first (Sources → Import references), or correct the marker.")
            )
            problems.append(ValidationError(message, code=MARKER_PROBLEM))
        if problems:
            raise ValidationError(problems)


class CitationInline(BatchedAutocompleteInlineMixin, GenericTabularInline):
    """A page's numbered sources, edited on its admin page (articles, conditions, products, side effects)."""

    model = Citation
    formset = CitationFormSet
    autocomplete_fields = ["source"]
    fields = ["position", "source", "how_to_cite"]
    readonly_fields = ["how_to_cite"]
    template = "references/admin/citation_inline.html"
    extra = 1
    verbose_name = _("source")
    verbose_name_plural = _("sources (numbered in this order)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")

    @admin.display(description=_("cite it in the text as"))
    def how_to_cite(self, citation):
        if citation.source_id is None:
            return ""
        if citation.source.is_retracted:
            return format_html("<code>{}</code> <strong>{}</strong>", citation.source.marker, _("Retracted"))
        return format_html("<code>{}</code>", citation.source.marker)


class CitingAdminMixin:
    """For the admin of a model that cites sources: its numbered sources inline, checked and renumbered on save."""

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), CitationInline]

    def content_querysets(self):
        # Formatted references read each source's authors.
        return {**super().content_querysets(), "citations": Citation.objects.for_display()}

    def rendered_parts(self, obj):
        """The text with numbered superscripts, never a raw marker, and the numbered list of sources."""
        citations = sorted(self.fetch_content(obj).citations.all(), key=lambda c: (c.position, c.pk))
        rendered = dict(super().rendered_parts(obj))
        rendered.update(render_record_text(obj, citations))
        rendered["citations"] = format_html(
            "<ol class='sources'>{}</ol>",
            format_html_join(
                "",
                "<li id='source-{}'>{}</li>",
                ((number, format_source(c.source)) for number, c in enumerate(citations, start=1)),
            ),
        ) if citations else ""  # fmt: skip
        return rendered

    def explain_refused_save(self, request, form, formsets):
        """Citation-marker problems are problems of the text: shown next to the text that has them."""
        super().explain_refused_save(request, form, formsets)
        names = [name for name in cited_fields(form.instance) if name in form.fields]
        # Next to the first text that has a bad marker (an article cites in its takeaways and its body).
        faulty = [
            name
            for name in names
            if broken_markers(text := sanitize_html(getattr(form.instance, name, "") or "")) or unknown_keys(text)
        ]
        for formset in formsets:
            if not isinstance(formset, CitationFormSet) or not names:
                continue
            errors = formset.non_form_errors().as_data()
            for error in errors:
                if error.code == MARKER_PROBLEM:
                    form.add_error((faulty or names)[0], error)
            formset._non_form_errors = formset.error_class(
                [error for error in errors if error.code != MARKER_PROBLEM], error_class="nonform"
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        report_citations(request, form.instance)


def report_citations(request, article):
    """
    After an article is saved in the admin: cite every source its text cites, number them in reading order,
    and tell the editor about sources the text never cites and sources that were retracted.
    """
    check = sync_citations(article)
    if check.added:
        messages.warning(
            request,
            _("The text cites %(sources)s, which the list of sources did not include; added.")
            % {"sources": get_text_list([f"“{source.title}”" for source in check.added], _("and"))},
        )
    if check.uncited:
        messages.warning(
            request,
            ngettext(
                "This source is listed but never cited in the text: %(sources)s. Add a marker such as %(marker)s "
                "after the claim it supports, or remove it from the list.",
                "These sources are listed but never cited in the text: %(sources)s. Add a marker such as "
                "%(marker)s after the claim each supports, or remove them from the list.",
                len(check.uncited),
            )
            % {
                "sources": get_text_list([f"“{source.title}”" for source in check.uncited], _("and")),
                "marker": check.uncited[0].marker,
            },
        )
    if check.retracted:
        messages.error(
            request,
            _("This cites retracted sources: %(sources)s. Replace them or explain the retraction.")
            % {"sources": get_text_list([f"“{source.title}”" for source in check.retracted], _("and"))},
        )
    return check
