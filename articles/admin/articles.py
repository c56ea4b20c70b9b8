"""The admin for articles: the editors' form; its review is the shared ReviewedAdmin."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.urls import path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from references.admin import CitingAdminMixin
from review.admin import BatchedAutocompleteInlineMixin, ReviewedAdmin
from review.models import Status
from translations.admin import TranslationsPanelMixin

from ..models import Article, ArticleSideEffect
from ..views import ArticlePreviewView


def contributor_choice(contributor):
    """
    A contributor as the article form offers them: "Dr Ana Ruiz (archived)", "… (not published yet)", so an editor
    sees before choosing that readers cannot see the profile (and the article cannot be published with it).
    """
    if contributor.status == Status.ARCHIVED:
        mark = _("archived")
    elif contributor.status == Status.UNPUBLISHED:
        mark = _("unpublished")
    elif not contributor.is_live:
        mark = _("not published yet")
    else:
        return str(contributor)
    return f"{contributor} ({mark})"


class AuthorChoicesView(AutocompleteJsonView):
    """The admin's autocomplete answers, with each contributor marked as :func:`contributor_choice` says."""

    def serialize_result(self, obj, to_field_name):
        return {**super().serialize_result(obj, to_field_name), "text": contributor_choice(obj)}


class AuthorSelect(AutocompleteSelect):
    url_name = "%s:articles_article_author_autocomplete"


class ArticleSideEffectInline(BatchedAutocompleteInlineMixin, admin.TabularInline):
    model = ArticleSideEffect
    autocomplete_fields = ["side_effect"]
    fields = ["position", "side_effect", "frequency"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("side_effect")  # each row is shown by its name


@admin.register(Article)
class ArticleAdmin(TranslationsPanelMixin, CitingAdminMixin, ReviewedAdmin):
    list_display = ["display_title", "kind", "author", "next_review_due", "modified_at"]
    list_filter = ["kind", "conditions", "author"]
    list_select_related = ["author"]
    search_fields = ["title", "dek", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["conditions", "products", "author"]
    inlines = [ArticleSideEffectInline]
    reader_page_view = ArticlePreviewView
    readonly_fields = ["rendered_body", "created_by", "last_edited_by"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "dek", "key_takeaways", "body"]}),
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

    def get_urls(self):
        choices = AuthorChoicesView.as_view(admin_site=self.admin_site)
        return [
            path(
                "author-autocomplete/",
                self.admin_site.admin_view(choices),
                name="articles_article_author_autocomplete",
            ),
            *super().get_urls(),
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs["widget"] = AuthorSelect(db_field, self.admin_site, using=kwargs.get("using"))
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "author":
            field.label_from_instance = contributor_choice
        return field

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only: show the body as readers will see it, not as HTML source.
        name, options = fieldsets[0]
        fields = ["rendered_body" if field == "body" else field for field in options["fields"]]
        return [(name, {**options, "fields": fields}), *fieldsets[1:]]

    @admin.display(description=_("body"))
    def rendered_body(self, article):
        body = self.rendered_parts(article)["body"]  # numbered citations, as readers see them; sanitized on save
        return mark_safe(f'<div class="rendered-body">{body}</div>')

    @admin.display(description=_("title"), ordering="title")
    def display_title(self, article):
        if article.is_working_copy:
            return _("%(title)s (new version, not yet live)") % {"title": article.title}
        return article.title
