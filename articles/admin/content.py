"""The admin for conditions, contributors, side effects and products: reviewed like articles."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from references.admin import CitingAdminMixin
from review.admin import BatchedAutocompleteInlineMixin, ReviewedAdmin
from review.workflow import record_event
from translations.admin import TranslationsPanelMixin

from ..models import (
    Condition,
    ConditionCode,
    Contributor,
    Product,
    ProductApproval,
    ProductCode,
    ProductSideEffect,
    SideEffect,
)
from ..views import ConditionPreviewView, ContributorPreviewView, ProductPreviewView, SideEffectPreviewView


class ConditionCodeInline(admin.TabularInline):
    model = ConditionCode
    fields = ["system", "code", "last_code", "title"]
    extra = 1
    verbose_name = _("code")
    verbose_name_plural = _("Codes in health records (ICD-10-CM, SNOMED CT, ICD-9-CM)")


@admin.register(Condition)
class ConditionAdmin(TranslationsPanelMixin, CitingAdminMixin, ReviewedAdmin):
    list_display = ["name", "abbreviation", "icd10_code", "article_count", "modified_at"]
    ordering = ["name"]
    search_fields = ["name", "abbreviation", "synonyms", "codes__code", "codes__title"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["related_conditions"]
    inlines = [ConditionCodeInline]
    reader_page_view = ConditionPreviewView
    fieldsets = [
        (None, {"fields": ["name", "abbreviation", "slug", "synonyms"]}),
        (_("Page text"), {"fields": ["summary", "overview", "treatment"]}),
        (_("“Get help now” card"), {"fields": ["immediate_signs", "urgent_signs"]}),
        (_("See also"), {"fields": ["related_conditions"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(article_count=Count("articles", distinct=True))
        return queryset.prefetch_related("codes")  # the ICD-10 column

    @admin.display(description=_("ICD-10-CM"))
    def icd10_code(self, condition):
        return condition.icd10_code or "—"

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, condition):
        return condition.article_count


class StaffAccountForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username"),
        required=False,
        label=_("Staff account"),
        empty_label=_("None (unlink)"),
    )
    reason = forms.CharField(label=_("Why"), max_length=500)


@admin.register(Contributor)
class ContributorAdmin(ReviewedAdmin):
    list_display = ["name", "credentials", "role_list", "on_expert_board", "user"]
    list_filter = ["is_writer", "is_fact_checker", "is_medical_reviewer", "on_expert_board"]
    list_select_related = ["user"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["user"]
    change_form_template = "admin/articles/contributor/change_form.html"
    reader_page_view = ContributorPreviewView
    fieldsets = [
        (None, {"fields": ["name", "slug", "credentials"]}),
        (_("Roles"), {"fields": ["is_writer", "is_fact_checker", "is_medical_reviewer", "on_expert_board"]}),
        (_("Languages"), {"fields": ["languages"]}),
        (_("Profile"), {"fields": ["affiliation", "bio", "disclosures", "photo", "photo_alt"]}),
        (_("Staff account"), {"fields": ["user"]}),
    ]

    @admin.display(description=_("roles"))
    def role_list(self, contributor):
        return ", ".join(str(role) for role in contributor.roles) or "—"

    def get_urls(self):
        return [
            path(
                "<int:object_id>/staff-account/",
                self.admin_site.admin_view(self.staff_account_view),
                name="articles_contributor_staff_account",
            ),
            *super().get_urls(),
        ]

    def workflow_context(self, request, obj):
        context = super().workflow_context(request, obj)
        if request.user.is_superuser and not obj.is_working_copy:
            context["staff_account_form"] = StaffAccountForm(initial={"user": obj.user_id})
        return context

    def staff_account_view(self, request, object_id):
        """
        Link a login to this profile (superusers only, recorded): a fact-check by that login is shown to
        readers under this profile's name, so who may change the link is tightly held.
        """
        contributor = get_object_or_404(Contributor.objects.originals(), pk=object_id)
        if not request.user.is_superuser:
            raise PermissionDenied
        if request.method != "POST":
            return redirect(self.change_url(contributor))
        form = StaffAccountForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a staff account (or none) and say why."))
            return redirect(self.change_url(contributor))
        user = form.cleaned_data["user"]
        taken = Contributor.objects.filter(user=user).exclude(pk=contributor.pk).first() if user else None
        if taken:
            messages.error(
                request, _("That login already belongs to “%(name)s”. Unlink it there first.") % {"name": taken}
            )
            return redirect(self.change_url(contributor))
        before = contributor.user
        contributor.user = user
        contributor.save(update_fields=["user"])
        record_event(
            contributor,
            request.user,
            "link_login",
            _("Staff account: %(before)s → %(after)s. %(reason)s")
            % {"before": before or "none", "after": user or "none", "reason": form.cleaned_data["reason"]},
        )
        messages.success(
            request, _("The staff account of “%(name)s” was changed and recorded.") % {"name": contributor}
        )
        return redirect(self.change_url(contributor))


@admin.register(SideEffect)
class SideEffectAdmin(CitingAdminMixin, ReviewedAdmin):
    list_display = ["name", "seriousness", "onset"]
    list_filter = ["seriousness", "onset"]
    reader_page_view = SideEffectPreviewView
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "seriousness", "onset"]}),
        (_("For patients"), {"fields": ["description", "risk_factors", "what_helps", "when_to_seek_help"]}),
        (_("“Get help now” card"), {"fields": ["care_level", "warning_signs"]}),
    ]


class ProductApprovalInline(BatchedAutocompleteInlineMixin, admin.TabularInline):
    model = ProductApproval
    autocomplete_fields = ["condition"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product", "condition")  # each row is shown by both


class ProductSideEffectInline(BatchedAutocompleteInlineMixin, admin.TabularInline):
    model = ProductSideEffect
    autocomplete_fields = ["side_effect"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("side_effect")  # each row is shown by its name


class ProductCodeInline(admin.TabularInline):
    model = ProductCode
    fields = ["code", "title"]
    extra = 1
    verbose_name = _("RxNorm code")
    verbose_name_plural = _("RxNorm codes (RXCUI)")


@admin.register(Product)
class ProductAdmin(CitingAdminMixin, ReviewedAdmin):
    list_display = ["brand_name", "nonproprietary_name", "manufacturer", "route", "concentration"]
    list_filter = ["route", "manufacturer", "conditions"]
    search_fields = ["brand_name", "nonproprietary_name", "manufacturer", "codes__code"]
    prepopulated_fields = {"slug": ["brand_name"]}
    inlines = [ProductCodeInline, ProductApprovalInline, ProductSideEffectInline]
    reader_page_view = ProductPreviewView
    fieldsets = [
        (None, {"fields": ["brand_name", "slug", "nonproprietary_name", "manufacturer"]}),
        (_("Formulation"), {"fields": ["route", "concentration", "notes"]}),
    ]
