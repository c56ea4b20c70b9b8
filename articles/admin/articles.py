"""The admin for articles: the editors' form, the workflow panel and actions, fact-check records."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from references.admin import CitationInline, report_citations

from .. import workflow
from ..diffing import content_diff
from ..models import (
    Article,
    ArticleEvent,
    ArticleSideEffect,
    FactCheck,
)


class ArticleSideEffectInline(admin.TabularInline):
    model = ArticleSideEffect
    autocomplete_fields = ["side_effect"]
    fields = ["position", "side_effect", "frequency"]
    extra = 1


class ArticleAdminForm(forms.ModelForm):
    """The article form, refusing a save based on a version someone else has saved over since."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 -- the admin's fieldsets choose the fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edit_version"].initial = self.instance.lock_version
        self.stale_changes = []

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        # Locked until the request's transaction ends, so two saves cannot both pass this check.
        current = Article.objects.select_for_update().get(pk=self.instance.pk)
        expected = cleaned.get("edit_version")
        if expected is not None and expected != current.lock_version:
            editor = current.last_edited_by
            who = (editor.get_full_name() or editor.get_username()) if editor else _("Someone")
            self.stale_changes = content_diff(workflow.snapshot(current), self.submitted_snapshot(cleaned))
            raise forms.ValidationError(
                _(
                    "%(who)s saved this article at %(when)s, after you opened it. Your changes have NOT been saved "
                    "and are still in the form below. Compare them with the saved version (shown under "
                    "“Saved version vs. your form”), copy over anything of theirs you want to keep, and save again."
                )
                % {"who": who, "when": timezone.localtime(current.modified_at).strftime("%H:%M on %B %d")},
                code="stale",
            )
        return cleaned

    def submitted_snapshot(self, cleaned):
        snapshot = {name: cleaned.get(name, "") for name in ("title", "dek", "body", "funding_disclosure")}
        snapshot["conflict_of_interest"] = cleaned.get("conflict_of_interest", "")
        snapshot["author"] = str(cleaned.get("author") or "")
        return snapshot


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue for review")),
            ("soon", _("Due in the next 30 days")),
            ("flagged", _("Flagged for a fresh review")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue_for_review(today)
        if self.value() == "soon":
            return queryset.published().filter(
                next_review_due__gte=today, next_review_due__lte=today + datetime.timedelta(days=30)
            )
        if self.value() == "flagged":
            return queryset.exclude(review_reason="")
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


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = ["display_title", "kind", "status", "visibility", "author", "next_review_due", "modified_at"]
    list_filter = ["status", ReviewDueFilter, MineFilter, "kind", "conditions", "author"]
    list_select_related = ["author"]
    search_fields = ["title", "dek", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["conditions", "products", "author"]
    inlines = [ArticleSideEffectInline, CitationInline]
    save_on_top = True
    actions = ["submit_selected", "fact_check_selected", "publish_selected"]
    readonly_fields = [
        "rendered_body",
        "status",
        "published_at",
        "last_updated",
        "fact_checker",
        "last_reviewed_on",
        "review_reason",
        "created_by",
        "last_edited_by",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "dek", "body", "edit_version"]}),
        (_("People"), {"fields": ["author", "fact_checker", "created_by", "last_edited_by"]}),
        (_("Topics"), {"fields": ["conditions", "products"]}),
        (
            _("Publication and review"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "last_updated",
                    "last_reviewed_on",
                    "next_review_due",
                    "review_reason",
                ]
            },
        ),
        (
            _("Disclosures shown to readers"),
            {"fields": ["funding_disclosure", "conflict_of_interest"]},
        ),
        (
            _("Hero image"),
            {
                "fields": ["hero_image", "hero_image_alt", "hero_image_caption", "hero_image_credit"],
                "classes": ["collapse"],
            },
        ),
        (_("Search engines"), {"fields": ["meta_description"], "classes": ["collapse"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only: show the body as readers will see it, not as HTML source.
        name, options = fieldsets[0]
        fields = [
            "rendered_body" if field == "body" else field for field in options["fields"] if field != "edit_version"
        ]
        return [(name, {**options, "fields": fields}), *fieldsets[1:]]

    @admin.display(description=_("body"))
    def rendered_body(self, article):
        return mark_safe(f'<div class="rendered-body">{article.body}</div>')  # sanitized on save

    # --- Who may do what: checked here, on the server, for every request -------------------

    def has_change_permission(self, request, obj=None):
        """The text changes only while it is a draft; published articles change through a new version."""
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status in {Article.Status.PUBLISHED, Article.Status.FACT_CHECKED}:
            return False
        return super().has_delete_permission(request, obj)

    def has_submit_permission(self, request):
        return request.user.has_perm("articles.submit_article")

    def has_fact_check_permission(self, request):
        return request.user.has_perm("articles.fact_check_article")

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    def get_slug_readonly(self, obj):
        return obj is not None and (obj.is_working_copy or obj.published_at is not None)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # A published article keeps its address: links and search engines point there.
        if self.get_slug_readonly(obj):
            fields.append("slug")
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if self.get_slug_readonly(obj) else super().get_prepopulated_fields(request, obj)

    # --- Saving ------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        state = getattr(request, "_article_workflow_state", None)
        if state:  # restoring an old version: keep today's workflow state, only the content goes back
            for name, value in state.items():
                setattr(obj, name, value)
        if not change:
            obj.created_by = request.user
        obj.last_edited_by = request.user
        obj.lock_version += 1
        super().save_model(request, obj, form, change)
        ArticleEvent.objects.create(article=obj, actor=request.user, action="edit" if change else "create")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Sources the text cites are listed and numbered in reading order; the editor hears about the rest.
        report_citations(request, form.instance)

    def delete_model(self, request, obj):
        if obj.is_working_copy:
            workflow.discard_new_version(obj, request.user)
        else:
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            self.delete_model(request, article)

    # --- Versions: restoring and recovering go through the same rules ---------------------------

    def revision_view(self, request, object_id, version_id, extra_context=None):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        request._article_workflow_state = {name: getattr(article, name) for name in workflow.WORKFLOW_FIELDS}
        return super().revision_view(request, object_id, version_id, extra_context)

    # --- The workflow panel on the change page ------------------------------------------------

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
                "<int:object_id>/discard-version/",
                self.admin_site.admin_view(self.discard_version_view),
                name=f"{info}_discard_version",
            ),
            *super().get_urls(),
        ]

    def change_url(self, article):
        return reverse("admin:articles_article_change", args=[article.pk])

    def transition_view(self, request, object_id, name):
        if request.method != "POST":
            return redirect(reverse("admin:articles_article_change", args=[object_id]))
        article = get_object_or_404(Article, pk=object_id)
        transition = workflow.TRANSITIONS.get(name)
        if transition is None:
            return redirect(self.change_url(article))
        if not request.user.has_perm(f"articles.{transition.permission}"):
            raise PermissionDenied
        comment = request.POST.get("comment", "")[:2000]
        options = {}
        if name == "publish":
            options = self._publish_options(request)
            if options is None:
                messages.error(request, _("Enter the publication time as YYYY-MM-DD HH:MM, or leave it empty."))
                return redirect(self.change_url(article))
        try:
            if name == "publish":
                result = workflow.publish(article, request.user, comment=comment, **options)
            else:
                result = workflow.run_transition(name, article, request.user, comment)
        except (workflow.WorkflowError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect(self.change_url(article))
        messages.success(
            request, _("“%(title)s” is now %(status)s.") % {"title": result, "status": result.get_status_display()}
        )
        return redirect(self.change_url(result))

    def _publish_options(self, request):
        raw = request.POST.get("publish_at", "").strip()
        options = {"substantive": request.POST.get("substantive") == "on"}
        if raw:
            at = parse_datetime(raw.replace("T", " "))
            if at is None:
                return None
            options["at"] = timezone.make_aware(at) if timezone.is_naive(at) else at
        return options

    def new_version_view(self, request, object_id):
        if request.method != "POST":
            return redirect(reverse("admin:articles_article_change", args=[object_id]))
        article = get_object_or_404(Article, pk=object_id)
        try:
            copy = workflow.start_new_version(article, request.user)
        except workflow.WorkflowError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.change_url(article))
        messages.info(
            request,
            _("You are editing a new version. Readers keep seeing the published one until this is fact-checked "
              "and published."),
        )  # fmt: skip
        return redirect(self.change_url(copy))

    def discard_version_view(self, request, object_id):
        if request.method != "POST":
            return redirect(reverse("admin:articles_article_change", args=[object_id]))
        copy = get_object_or_404(Article, pk=object_id)
        original = copy.draft_of
        try:
            workflow.discard_new_version(copy, request.user)
        except workflow.WorkflowError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.change_url(copy))
        messages.success(request, _("The new version was discarded; the published article is unchanged."))
        return redirect(self.change_url(original) if original else "admin:articles_article_changelist")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.workflow_context(request, obj))
        form = context.get("adminform").form if context.get("adminform") else None
        context["stale_changes"] = getattr(form, "stale_changes", [])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_context(self, request, article):
        baseline, baseline_label = workflow.review_baseline(article)
        return {
            "workflow_transitions": workflow.available_transitions(article, request.user),
            "working_copy": getattr(article, "working_copy", None) if not article.is_working_copy else None,
            "can_start_new_version": (
                article.status == Article.Status.PUBLISHED
                and not article.is_working_copy
                and request.user.has_perm("articles.change_article")
            ),
            "can_discard_version": article.is_working_copy and request.user.has_perm("articles.delete_article"),
            "review_diff": content_diff(baseline, workflow.snapshot(article)) if baseline else None,
            "review_diff_label": baseline_label,
            "separation_problem": workflow.separation_of_duties_problem(article, request.user),
            "fact_checks": article.fact_checks.select_related("contributor", "reviewer")[:5],
            "events": article.events.select_related("actor")[:20],
        }

    # --- List columns -------------------------------------------------------------------------

    @admin.display(description=_("title"), ordering="title")
    def display_title(self, article):
        if article.is_working_copy:
            return _("%(title)s (new version, not yet live)") % {"title": article.title}
        return article.title

    @admin.display(description=_("visible to readers"), ordering="published_at")
    def visibility(self, article):
        if article.is_live:
            return _("Live")
        if article.status == Article.Status.PUBLISHED:
            when = timezone.localtime(article.published_at).strftime("%Y-%m-%d %H:%M")
            return _("Scheduled for %(when)s") % {"when": when}
        return _("No")

    # --- Bulk actions: the same functions, one article at a time --------------------------------

    def _bulk(self, request, queryset, name):
        done, problems = 0, []
        for article in queryset:
            try:
                workflow.run_transition(name, article, request.user)
                done += 1
            except (workflow.WorkflowError, PermissionDenied) as error:
                problems.append(f"“{article}”: {' '.join(getattr(error, 'messages', [str(error)]))}")
        if done:
            messages.success(request, _("%(count)d article(s) updated.") % {"count": done})
        for problem in problems:
            messages.error(request, problem)

    @admin.action(permissions=["submit"], description=_("Submit selected articles for review"))
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(permissions=["fact_check"], description=_("Mark selected articles as fact-checked"))
    def fact_check_selected(self, request, queryset):
        self._bulk(request, queryset, "fact_check")

    @admin.action(permissions=["publish"], description=_("Publish selected fact-checked articles now"))
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish")


@admin.register(FactCheck)
class FactCheckAdmin(admin.ModelAdmin):
    list_display = ["article", "contributor", "reviewer", "checked_at", "lock_version"]
    list_filter = ["contributor"]
    list_select_related = ["article", "contributor", "reviewer"]
    search_fields = ["article__title", "notes"]
    readonly_fields = ["article", "reviewer", "contributor", "checked_at", "notes", "lock_version", "snapshot"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
