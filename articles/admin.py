from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from references.admin import CitationInline

from .models import (
    Article,
    ArticleSideEffect,
    Condition,
    Contributor,
    Product,
    ProductApproval,
    ProductSideEffect,
    SideEffect,
)


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "icd10_code", "is_published", "article_count", "modified_at"]
    list_filter = ["is_published"]
    ordering = ["name"]
    search_fields = ["name", "abbreviation", "icd10_code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["related_conditions"]
    fieldsets = [
        (None, {"fields": ["name", "abbreviation", "slug", "icd10_code", "is_published"]}),
        (_("Page text"), {"fields": ["summary", "overview", "treatment"]}),
        (_("See also"), {"fields": ["related_conditions"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles", distinct=True))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, condition):
        return condition.article_count


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "role_list", "on_expert_board", "user"]
    list_filter = ["is_writer", "is_fact_checker", "is_medical_reviewer", "on_expert_board"]
    list_select_related = ["user"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "credentials"]}),
        (_("Roles"), {"fields": ["is_writer", "is_fact_checker", "is_medical_reviewer", "on_expert_board"]}),
        (_("Profile"), {"fields": ["bio", "photo", "photo_alt"]}),
        (_("Staff account"), {"fields": ["user"], "classes": ["collapse"]}),
    ]

    @admin.display(description=_("roles"))
    def role_list(self, contributor):
        return ", ".join(str(role) for role in contributor.roles) or "—"


@admin.register(SideEffect)
class SideEffectAdmin(admin.ModelAdmin):
    list_display = ["name", "seriousness", "onset"]
    list_filter = ["seriousness", "onset"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "seriousness", "onset"]}),
        (_("For patients"), {"fields": ["description", "what_helps", "when_to_seek_help"]}),
    ]


class ProductApprovalInline(admin.TabularInline):
    model = ProductApproval
    autocomplete_fields = ["condition"]
    extra = 1


class ProductSideEffectInline(admin.TabularInline):
    model = ProductSideEffect
    autocomplete_fields = ["side_effect"]
    extra = 1


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["brand_name", "nonproprietary_name", "manufacturer", "route", "concentration"]
    list_filter = ["route", "manufacturer", "conditions"]
    search_fields = ["brand_name", "nonproprietary_name", "manufacturer"]
    prepopulated_fields = {"slug": ["brand_name"]}
    inlines = [ProductApprovalInline, ProductSideEffectInline]
    fieldsets = [
        (None, {"fields": ["brand_name", "slug", "nonproprietary_name", "manufacturer"]}),
        (_("Formulation"), {"fields": ["route", "concentration", "notes"]}),
    ]


class ArticleSideEffectInline(admin.TabularInline):
    model = ArticleSideEffect
    autocomplete_fields = ["side_effect"]
    fields = ["position", "side_effect", "frequency"]
    extra = 1


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "visibility", "author", "published_at", "last_updated"]
    list_filter = ["status", "kind", "conditions", "author"]
    list_select_related = ["author"]
    search_fields = ["title", "dek", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["conditions", "products", "author", "fact_checker"]
    inlines = [ArticleSideEffectInline, CitationInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "dek", "body"]}),
        (_("People"), {"fields": ["author", "fact_checker"]}),
        (_("Topics"), {"fields": ["conditions", "products"]}),
        (_("Publication"), {"fields": ["status", "published_at", "last_updated"]}),
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

    @admin.display(description=_("visible to readers"), ordering="status")
    def visibility(self, article):
        if article.is_live:
            return _("Live")
        if article.status == Article.Status.PUBLISHED:
            return _("Scheduled")
        return article.get_status_display()
