"""The admin for conditions, contributors, side effects and products."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import (
    Condition,
    Contributor,
    Product,
    ProductApproval,
    ProductSideEffect,
    SideEffect,
)


class ReviewerPublishesMixin:
    """
    For pages with an ``is_published`` tick (conditions, policy pages): putting one in front of
    readers is a reviewer's decision, like publishing an article. Others see the tick read-only,
    and reviewers also get bulk actions that need no permission to edit the text.
    """

    actions = ["publish_selected", "unpublish_selected"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields.append("is_published")
        return fields

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    @admin.action(permissions=["publish"], description=_("Show selected pages to readers"))
    def publish_selected(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(permissions=["publish"], description=_("Hide selected pages from readers"))
    def unpublish_selected(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, value):
        for page in queryset:
            page.is_published = value
            page.save(update_fields=["is_published", "modified_at"])
            self.log_change(request, page, [{"changed": {"fields": ["is_published"]}}])
        messages.success(request, _("%(count)d page(s) updated.") % {"count": len(queryset)})


@admin.register(Condition)
class ConditionAdmin(ReviewerPublishesMixin, admin.ModelAdmin):
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
